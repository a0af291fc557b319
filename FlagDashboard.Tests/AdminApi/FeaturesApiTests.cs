using System.Net;
using System.Text.Json.Nodes;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class FeaturesApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AFeatureIsCreatedReadUpdatedArchivedAndDeleted()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        var created = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features",
            new { name = "checkout_colour", description = "Button colour", tags = new[] { "ui" }, initialValue = "blue", options = new[] { new { value = "red", defaultWeight = 30.0 } } },
            HttpStatusCode.Created);
        var id = created.Int("id");
        Assert.Equal("Multivariate", created.Str("type"));
        Assert.Equal("blue", created.Str("initialValue"));
        var optionId = created["options"]![0]!.Int("id");

        var updated = await client.SendOkAsync(HttpMethod.Put, $"api/admin/features/{id}", new
        {
            name = "checkout_colour",
            description = "Colour of the checkout button",
            initialValue = "blue",
            options = new object[] { new { id = optionId, value = "red", defaultWeight = 30.0 }, new { value = 7, defaultWeight = 20.0 } },
            version = created.Int("version"),
        });
        Assert.Equal(2, updated["options"]!.AsArray().Count);
        Assert.Equal(7, updated["options"]![1]!["value"]!.GetValue<int>());
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/features/{id}", new { name = "stale", version = created.Int("version") }, HttpStatusCode.Conflict);

        var archived = await client.SendOkAsync(HttpMethod.Put, $"api/admin/features/{id}/archived", new { archived = true, version = updated.Int("version") });
        Assert.True(archived["isArchived"]!.GetValue<bool>());
        Assert.Empty((await client.GetOkAsync($"api/admin/projects/{project.ProjectId}/features"))["items"]!.AsArray());
        Assert.Single((await client.GetOkAsync($"api/admin/projects/{project.ProjectId}/features?includeArchived=true"))["items"]!.AsArray());

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/features/{id}", expected: HttpStatusCode.NoContent);
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/features/{id}", null, HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"x","tags":["a","A"]}""", "tags")]
    [InlineData("""{"name":"x","initialValue":{"nested":true}}""", "initialValue")]
    [InlineData("""{"name":"x","options":[{"value":"a","defaultWeight":80},{"value":"b","defaultWeight":30}]}""", "options")]
    [InlineData("""{"name":"x","defaultEnabled":"yes"}""", "defaultEnabled")]
    public async Task ABadFeatureGets400NamingTheField(string body, string field)
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", body, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task AFeatureSwitchedOnThroughTheApiIsServedToSdks()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        using var sdk = fixture.App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", project.ClientKey);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "new_checkout", initialValue = 1 }, HttpStatusCode.Created);
        Assert.False((await SdkFlagAsync(sdk, "new_checkout"))["enabled"]!.GetValue<bool>());
        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;

        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = 2, version = state.Int("version") });

        var flag = await Eventually.GetAsync(() => SdkFlagAsync(sdk, "new_checkout"), f => f["enabled"]!.GetValue<bool>(), "the SDK to serve the flag enabled");
        Assert.Equal(2, flag["feature_state_value"]!.GetValue<int>());
    }

    [Fact]
    public async Task WeightsAreSetPerEnvironmentAndMayNotPass100()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var feature = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features",
            new { name = "variant", initialValue = "a", options = new[] { new { value = "b", defaultWeight = 10.0 }, new { value = "c", defaultWeight = 10.0 } } }, HttpStatusCode.Created);
        var options = feature["options"]!.AsArray().Select(o => o!.Int("id")).ToArray();
        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;

        var weighted = await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}/weights",
            new { weights = new[] { new { optionId = options[0], percentage = 60.0 }, new { optionId = options[1], percentage = 40.0 } }, version = state.Int("version") });
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}/weights",
            new { weights = new[] { new { optionId = options[0], percentage = 70.0 } }, version = weighted.Int("version") }, HttpStatusCode.BadRequest, "weights");
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}/weights",
            new { weights = new[] { new { optionId = options[0], percentage = 10.0 } }, version = state.Int("version") }, HttpStatusCode.Conflict);
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}/weights",
            $$"""{"weights":[null],"version":{{weighted.Int("version")}}}""", HttpStatusCode.BadRequest, "weights[0]");

        var read = await client.GetOkAsync($"api/admin/feature-states/{state.Int("id")}");
        Assert.Equal([60.0, 40.0], read["weights"]!.AsArray().Select(w => w!["percentage"]!.GetValue<double>()).ToArray());
    }

    private static async Task<JsonNode> SdkFlagAsync(HttpClient sdk, string name)
    {
        var flags = JsonNode.Parse(await sdk.GetStringAsync("api/v1/flags/", AdminApiHttp.Cancel))!.AsArray();
        return flags.Single(f => f!["feature"]!["name"]!.GetValue<string>() == name)!;
    }
}
