using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class AuditApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task TheAuditLogShowsApiChangesFilteredAndPaged()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "one" }, HttpStatusCode.Created);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "two" }, HttpStatusCode.Created);

        var features = await client.GetOkAsync($"api/admin/audit?projectId={project.ProjectId}&entityType=Feature&pageSize=1");
        var secondPage = await client.GetOkAsync($"api/admin/audit?projectId={project.ProjectId}&entityType=Feature&pageSize=1&page=2");

        Assert.Equal(2, features.Int("totalCount"));
        var newest = features["items"]![0]!;
        Assert.Equal("two", newest.Str("entityName"));
        Assert.Equal("Created", newest.Str("action"));
        Assert.Equal("api-key:tests", newest.Str("actor"));
        Assert.Equal("two", newest["after"]!.Str("name"));
        Assert.Equal("one", secondPage["items"]![0]!.Str("entityName"));
    }

    [Fact]
    public async Task TheAuditLogOfAnotherOrganisationIsNotShown()
    {
        using var acme = fixture.Client();
        using var globex = fixture.Client("globex");
        var project = await fixture.NewProjectAsync(acme);

        await globex.AssertProblemAsync(HttpMethod.Get, $"api/admin/audit?projectId={project.ProjectId}", null, HttpStatusCode.Forbidden);
        var globexLog = await globex.GetOkAsync("api/admin/audit?pageSize=500");
        Assert.DoesNotContain(globexLog["items"]!.AsArray(), a => a!["projectId"]?.GetValue<int>() == project.ProjectId);
        await acme.AssertProblemAsync(HttpMethod.Get, "api/admin/audit?from=yesterday", null, HttpStatusCode.BadRequest, "from");
    }
}
