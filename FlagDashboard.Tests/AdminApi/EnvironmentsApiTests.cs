using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class EnvironmentsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AnEnvironmentIsCreatedReadRenamedAndDeleted()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        var created = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environments", new { name = "Staging" }, HttpStatusCode.Created);
        var id = created.Int("id");
        Assert.False(string.IsNullOrEmpty(created.Str("clientKey")));

        var renamed = await client.SendOkAsync(HttpMethod.Put, $"api/admin/environments/{id}", new { name = "Preview", version = created.Int("version") });
        Assert.Equal("Preview", renamed.Str("name"));
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/environments/{id}", new { name = "Stale", version = created.Int("version") }, HttpStatusCode.Conflict);
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environments", new { name = "Production" }, HttpStatusCode.BadRequest, "name");

        var list = await client.GetOkAsync($"api/admin/projects/{project.ProjectId}/environments");
        Assert.Equal(["Production", "Preview"], list["items"]!.AsArray().Select(e => e!.Str("name")).ToArray());

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/environments/{id}", expected: HttpStatusCode.NoContent);
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/environments/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ACloneCopiesTheStatesOfItsSource()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "banner", initialValue = "off" }, HttpStatusCode.Created);
        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;
        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "spring sale", version = state.Int("version") });

        var clone = await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/clone", new { name = "Production copy" }, HttpStatusCode.Created);

        var cloned = (await client.GetOkAsync($"api/admin/environments/{clone.Int("id")}/feature-states"))["items"]![0]!;
        Assert.True(cloned["enabled"]!.GetValue<bool>());
        Assert.Equal("spring sale", cloned.Str("value"));
        Assert.NotEqual(project.ClientKey, clone.Str("clientKey"));
    }

    [Fact]
    public async Task AServerSideKeyIsShownWholeOnceAndRevoked()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        var key = await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/server-side-keys", new { name = "backend" }, HttpStatusCode.Created);
        Assert.StartsWith("ser.", key.Str("key"));
        var listed = await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/server-side-keys");
        Assert.Contains(listed.AsArray(), k => k!.Int("id") == key.Int("id") && k!.Str("key").EndsWith('…'));

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/server-side-keys/{key.Int("id")}", expected: HttpStatusCode.NoContent);

        listed = await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/server-side-keys");
        Assert.NotNull(listed.AsArray().Single(k => k!.Int("id") == key.Int("id"))!["revokedAt"]);
    }
}
