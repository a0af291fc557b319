using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class VersionsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AnOldVersionRestoredThroughTheApiIsServedToSdksAsANewVersion()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        using var sdk = fixture.App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", project.ClientKey);
        var feature = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "checkout", initialValue = "old" }, HttpStatusCode.Created);
        var versions = $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/versions";
        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;
        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "new", version = state.Int("version") });
        await Eventually.GetAsync(() => SdkFlagAsync(sdk, "checkout"), f => f["feature_state_value"]!.GetValue<string>() == "new", "the SDK to serve the new value");

        var history = await client.GetOkAsync(versions);
        Assert.Equal([2, 1], history["items"]!.AsArray().Select(v => v!.Int("number")));
        Assert.True(history["items"]![0]!["isLive"]!.GetValue<bool>());
        var first = await client.GetOkAsync($"{versions}/1");
        Assert.Equal(("old", false), (first.Str("value"), first["enabled"]!.GetValue<bool>()));
        await client.AssertProblemAsync(HttpMethod.Post, $"{versions}/1/restore", new { liveVersion = 1 }, HttpStatusCode.Conflict);
        await client.AssertProblemAsync(HttpMethod.Get, $"{versions}/9", null, HttpStatusCode.NotFound);

        var restored = await client.SendOkAsync(HttpMethod.Post, $"{versions}/1/restore", new { liveVersion = 2, comment = "rollback" });

        Assert.Equal((3, "rollback", "old"), (restored.Int("number"), restored.Str("comment"), restored.Str("value")));
        var flag = await Eventually.GetAsync(() => SdkFlagAsync(sdk, "checkout"), f => f["feature_state_value"]!.GetValue<string>() == "old", "the SDK to serve the restored value");
        Assert.False(flag["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task AViewerKeyReadsTheHistoryButCannotRestore()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var feature = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "checkout" }, HttpStatusCode.Created);
        var key = await client.SendOkAsync(HttpMethod.Post, "api/admin/api-keys", new { name = $"viewer {Guid.NewGuid():N}", role = "viewer" }, HttpStatusCode.Created);
        using var viewer = fixture.Client(key.Str("key"));
        var versions = $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/versions";

        Assert.Single((await viewer.GetOkAsync(versions))["items"]!.AsArray());
        await viewer.AssertProblemAsync(HttpMethod.Post, $"{versions}/1/restore", new { }, HttpStatusCode.Forbidden);
        await client.AssertProblemAsync(HttpMethod.Post, $"{versions}/1/restore", new { comment = new string('x', 501) }, HttpStatusCode.BadRequest, "comment");
    }

    private static async Task<JsonNode> SdkFlagAsync(HttpClient sdk, string name)
    {
        var flags = JsonNode.Parse(await sdk.GetStringAsync("api/v1/flags/", AdminApiHttp.Cancel))!.AsArray();
        return flags.Single(f => f!["feature"]!["name"]!.GetValue<string>() == name)!;
    }
}
