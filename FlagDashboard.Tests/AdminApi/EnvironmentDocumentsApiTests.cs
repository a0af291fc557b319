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
}
