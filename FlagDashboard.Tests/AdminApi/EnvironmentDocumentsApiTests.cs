using System.Net;
using System.Text.Json.Nodes;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class EnvironmentDocumentsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AnExportedDocumentImportsIntoANewProjectAsTheSameFlags()
    {
        using var client = fixture.Client();
        var source = await fixture.NewProjectAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{source.ProjectId}/features", new { name = "exported", defaultEnabled = true, initialValue = "yes" }, HttpStatusCode.Created);
        var document = await client.GetOkAsync($"api/admin/environments/{source.EnvironmentId}/document");
        Assert.Equal(source.ClientKey, document.Str("api_key"));

        // The same key cannot live in two projects: the copy gets a key of its own.
        document["api_key"] = "copyOf" + Guid.NewGuid().ToString("N")[..16];
        var target = await client.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = $"Target {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var imported = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{target.Int("id")}/environment-documents?environmentName=Imported", document.ToJsonString());

        Assert.True(imported["environmentCreated"]!.GetValue<bool>());
        Assert.Equal(1, imported["counts"]!.Int("features"));
        var states = await client.GetOkAsync($"api/admin/environments/{imported.Int("environmentId")}/feature-states");
        Assert.Equal("yes", states["items"]![0]!.Str("value"));
        Assert.True(states["items"]![0]!["enabled"]!.GetValue<bool>());
    }

    [Fact]
    public async Task ABrokenDocumentGets400NamingThePathAndChangesNothing()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var document = await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/document");
        document["feature_states"] = new JsonArray(new JsonObject { ["enabled"] = "maybe" });

        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environment-documents", document.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(answer!["errors"]!.AsObject(), e => e.Key.StartsWith("$.feature_states[0]", StringComparison.Ordinal));
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environment-documents", "{not json", HttpStatusCode.BadRequest);
    }

    [Theory]
    [InlineData("invalid UTF-8", "$.name")]
    [InlineData("lone surrogate", "$.name")]
    [InlineData("1e400", "$.feature_states[0].feature_state_value")]
    public async Task ADocumentWithTextOrANumberThatCannotBeReadGets400NamingTheField(string fault, string path)
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        // Latin-1 writes each character below U+0100 as that one byte: "\u00C3(" becomes C3 28, which is not UTF-8.
        var (name, value) = fault switch
        {
            "invalid UTF-8" => ("\u00C3(", "1"),
            "lone surrogate" => ("\\ud800", "1"),
            _ => ("ok", "1e400"),
        };
        var body = System.Text.Encoding.Latin1.GetBytes($$"""
            {"api_key":"doc{{Guid.NewGuid():N}}","name":"{{name}}","project":{},
             "feature_states":[{"feature":{"name":"f"},"enabled":true,"django_id":1,"feature_state_value":{{value}}}]}
            """);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environment-documents") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await client.SendAsync(request, AdminApiHttp.Cancel);
        var text = await response.Content.ReadAsStringAsync(AdminApiHttp.Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonNode.Parse(text)!["errors"]!.AsObject().ContainsKey(path), text);
    }
}
