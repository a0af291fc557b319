using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace FlagDashboard.Tests.AdminApi;

/// <summary>Input the admin API once read more loosely than its OpenAPI document says.</summary>
[Collection(AdminApiCollection.Name)]
public sealed class StrictInputTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task ARequiredBooleanLeftOutIsA400NamingItNotReadAsFalse()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var feature = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "kept_on", defaultEnabled = true }, HttpStatusCode.Created);
        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;
        var identity = await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/identities", new { identifier = "alice" }, HttpStatusCode.Created);

        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { value = "x", version = state.Int("version") }, HttpStatusCode.BadRequest, "enabled");
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/features/{feature.Int("id")}/archived", new { version = feature.Int("version") }, HttpStatusCode.BadRequest, "archived");
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/projects/{project.ProjectId}", new { name = "Renamed", version = 0 }, HttpStatusCode.BadRequest, "hideDisabledFlags");
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/identities/{identity.Int("id")}/overrides/{feature.Int("id")}", new { value = "x" }, HttpStatusCode.BadRequest, "enabled");

        var unchanged = await client.GetOkAsync($"api/admin/feature-states/{state.Int("id")}");
        Assert.True(unchanged["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ARuleTypeThatIsNotAllAnyOrNoneIsA400NamingIt()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var body = """{"name":"odd","rules":[{"type":99,"conditions":[{"property":"plan","operator":"EQUAL","value":"gold"}]}]}""";

        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", body, HttpStatusCode.BadRequest, "rules[0].type");

        var segments = await client.GetOkAsync($"api/admin/projects/{project.ProjectId}/segments");
        Assert.Empty(segments["items"]!.AsArray());
    }

    [Fact]
    public async Task ANullInsideANestedRuleIsA400NamingItsPathInJsonNames()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var body = """{"name":"nested","rules":[{"conditions":[{"property":"plan","operator":"EQUAL","value":"gold"}],"rules":[{"conditions":[null]}]}]}""";

        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", body, HttpStatusCode.BadRequest, "rules[0].rules[0].conditions[0]");
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", """{"name":"nested","rules":[{"conditions":null}]}""", HttpStatusCode.BadRequest, "rules[0].conditions");
    }

    [Fact]
    public async Task AQueryValueItsTypeCannotReadIsA400NamingItAsTheClientWroteIt()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        await client.AssertProblemAsync(HttpMethod.Get, $"api/usage/stale-flags?project={project.ProjectId}&threshold_days=soon", null, HttpStatusCode.BadRequest, "threshold_days");
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/projects/{project.ProjectId}/segments?pageSize=many", null, HttpStatusCode.BadRequest, "pageSize");
    }

    [Fact]
    public async Task AnOptionValueLongerThanAnImportAcceptsIsRefusedOnTheWayIn()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var longest = new string('v', Core.FieldLimits.Value);

        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features",
            new { name = "too_long", options = new[] { new { value = longest + "v", defaultWeight = 10.0 } } }, HttpStatusCode.BadRequest, "options");
        var accepted = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features",
            new { name = "just_fits", options = new[] { new { value = longest, defaultWeight = 10.0 } } }, HttpStatusCode.Created);

        // What is accepted exports and imports again.
        var document = await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/document");
        document["api_key"] = "again" + Guid.NewGuid().ToString("N")[..16];
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environment-documents?environmentName=Again", document.ToJsonString());
        Assert.Equal(longest, accepted["options"]![0]!.Str("value"));
    }

    [Theory]
    [InlineData("+{0}")]
    [InlineData("%20{0}")]
    [InlineData("{0}%0a")]
    public async Task AnIdWithASignSpaceOrNewlineIsNotReadAsTheNumber(string written)
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var url = $"api/admin/projects/{string.Format(System.Globalization.CultureInfo.InvariantCulture, written, project.ProjectId)}";

        await client.AssertProblemAsync(HttpMethod.Get, url, null, HttpStatusCode.BadRequest, "projectId");
        await client.GetOkAsync($"api/admin/projects/{project.ProjectId}");
    }

    [Fact]
    public async Task AJsonRouteSentTextGets415WithProblemDetails()
    {
        using var client = fixture.Client();
        using var content = new StringContent("""{"name":"text"}""", Encoding.UTF8, "text/plain");

        using var response = await client.PostAsync("api/admin/projects", content, AdminApiHttp.Cancel);
        var text = await response.Content.ReadAsStringAsync(AdminApiHttp.Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.UnsupportedMediaType, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(415, JsonNode.Parse(text)!["status"]!.GetValue<int>());
    }

    [Fact]
    public async Task TheUsageApiNamesABadParameterAndDocumentsItsErrors()
    {
        using var client = fixture.Client();
        using var anonymous = fixture.Client(key: null);

        await client.AssertProblemAsync(HttpMethod.Get, "api/usage/series?scope=project&id=abc", null, HttpStatusCode.BadRequest, "id");
        await anonymous.AssertProblemAsync(HttpMethod.Get, "api/usage/flags", null, HttpStatusCode.Unauthorized);
        var document = await anonymous.GetOkAsync("openapi/v1.json");
        foreach (var path in new[] { "/api/usage/series", "/api/usage/flags", "/api/usage/stale-flags" })
        {
            var responses = document["paths"]![path]!["get"]!["responses"]!.AsObject();
            Assert.True(responses.ContainsKey("400") && responses.ContainsKey("401"), $"{path}: {responses.ToJsonString()}");
        }
    }
}
