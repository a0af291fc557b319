using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class ProjectsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AProjectIsCreatedReadRenamedListedAndDeleted()
    {
        using var client = fixture.Client();
        var name = $"Shop {Guid.NewGuid():N}";
        var created = await client.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name }, HttpStatusCode.Created);
        var id = created.Int("id");

        var read = await client.GetOkAsync($"api/admin/projects/{id}");
        Assert.Equal(name, read.Str("name"));
        Assert.Equal(0, read.Int("version"));
        Assert.Equal(30, read.Int("staleFlagDays"));

        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/projects/{id}", new { name, hideDisabledFlags = false, version = 0, staleFlagDays = 0 }, HttpStatusCode.BadRequest, "staleFlagDays");
        var renamed = await client.SendOkAsync(HttpMethod.Put, $"api/admin/projects/{id}", new { name = name + " 2", hideDisabledFlags = true, version = 0, staleFlagDays = 45 });
        Assert.Equal(name + " 2", renamed.Str("name"));
        Assert.True(renamed["hideDisabledFlags"]!.GetValue<bool>());
        Assert.Equal(1, renamed.Int("version"));
        Assert.Equal(45, renamed.Int("staleFlagDays"));

        var list = await client.GetOkAsync("api/admin/projects?pageSize=500");
        Assert.Contains(list["items"]!.AsArray(), p => p!.Int("id") == id);

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/projects/{id}", expected: HttpStatusCode.NoContent);
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/projects/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task AStaleUpdateGets409AndDoesNotOverwrite()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        await client.SendOkAsync(HttpMethod.Put, $"api/admin/projects/{project.ProjectId}", new { name = "First edit " + Guid.NewGuid(), hideDisabledFlags = false, version = 0 });

        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/projects/{project.ProjectId}", new { name = "Stale edit", hideDisabledFlags = false, version = 0 }, HttpStatusCode.Conflict);

        var read = await client.GetOkAsync($"api/admin/projects/{project.ProjectId}");
        Assert.StartsWith("First edit", read.Str("name"));
    }

    [Fact]
    public async Task AnUpdateWithoutAVersionIsRefusedNamingTheVersion()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/projects/{project.ProjectId}", new { name = "No version", hideDisabledFlags = false }, HttpStatusCode.BadRequest, "version");
    }

    [Theory]
    [InlineData("""{"name":""}""", "name")]
    [InlineData("""{"name":"  padded  "}""", "name")]
    [InlineData("""{"name":42}""", "name")]
    [InlineData("""{"name":""", "body")]
    [InlineData("""[1,2]""", "body")]
    public async Task BadInputGets400ProblemDetailsNamingTheField(string body, string field)
    {
        using var client = fixture.Client();

        await client.AssertProblemAsync(HttpMethod.Post, "api/admin/projects", body, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task AMissingBodyAndABadPageAreNamed()
    {
        using var client = fixture.Client();

        await client.AssertProblemAsync(HttpMethod.Post, "api/admin/projects", null, HttpStatusCode.BadRequest, "body");
        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/projects?page=abc", null, HttpStatusCode.BadRequest, "page");
        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/projects?page=0", null, HttpStatusCode.BadRequest, "page");
        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/projects?pageSize=501", null, HttpStatusCode.BadRequest, "pageSize");
    }

    [Fact]
    public async Task AnIdThatIsNotANumberIsNamedAndAnUnknownIdIsA404Problem()
    {
        using var client = fixture.Client();

        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/projects/abc", null, HttpStatusCode.BadRequest, "projectId");
        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/projects/987654", null, HttpStatusCode.NotFound);
        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/no-such-thing", null, HttpStatusCode.NotFound);
        await client.AssertProblemAsync(HttpMethod.Delete, "api/admin/projects/1/no-such-thing", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ListsArePaged()
    {
        using var client = fixture.Client();
        for (var i = 0; i < 3; i++)
        {
            await fixture.NewProjectAsync(client);
        }

        var first = await client.GetOkAsync("api/admin/projects?page=1&pageSize=2");
        var second = await client.GetOkAsync("api/admin/projects?page=2&pageSize=2");

        Assert.Equal(2, first["items"]!.AsArray().Count);
        Assert.True(first.Int("totalCount") >= 3);
        Assert.Equal(2, second.Int("page"));
        Assert.DoesNotContain(second["items"]!.AsArray(), p => first["items"]!.AsArray().Any(q => q!.Int("id") == p!.Int("id")));
    }

    [Fact]
    public async Task WithoutAKeyEveryAdminRouteAnswers401()
    {
        using var anonymous = fixture.Client(key: null);

        var (postStatus, _) = await anonymous.SendAsync(HttpMethod.Post, "api/admin/projects", new { name = "x" });
        await anonymous.AssertProblemAsync(HttpMethod.Get, "api/admin/projects", null, HttpStatusCode.Unauthorized);
        using var unknown = fixture.Client("fdk_not-a-key");
        await unknown.AssertProblemAsync(HttpMethod.Get, "api/admin/projects", null, HttpStatusCode.Unauthorized);
        await anonymous.AssertProblemAsync(HttpMethod.Get, "api/admin/no-such-thing", null, HttpStatusCode.Unauthorized);

        Assert.Equal(HttpStatusCode.Unauthorized, postStatus);
    }

    [Fact]
    public async Task AKeyOfAnotherOrganisationGets403AndChangesNothing()
    {
        using var acme = fixture.Client();
        using var globex = fixture.Client("globex");
        var project = await fixture.NewProjectAsync(acme);
        var feature = await acme.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "secret_feature" }, HttpStatusCode.Created);

        await globex.AssertProblemAsync(HttpMethod.Get, $"api/admin/projects/{project.ProjectId}", null, HttpStatusCode.Forbidden);
        await globex.AssertProblemAsync(HttpMethod.Put, $"api/admin/projects/{project.ProjectId}", new { name = "Taken", hideDisabledFlags = false, version = 0 }, HttpStatusCode.Forbidden);
        await globex.AssertProblemAsync(HttpMethod.Delete, $"api/admin/environments/{project.EnvironmentId}", null, HttpStatusCode.Forbidden);
        await globex.AssertProblemAsync(HttpMethod.Get, $"api/admin/features/{feature.Int("id")}", null, HttpStatusCode.Forbidden);
        await globex.AssertProblemAsync(HttpMethod.Get, $"api/admin/environments/{project.EnvironmentId}/document", null, HttpStatusCode.Forbidden);

        var globexProjects = await globex.GetOkAsync("api/admin/projects?pageSize=500");
        Assert.DoesNotContain(globexProjects["items"]!.AsArray(), p => p!.Int("id") == project.ProjectId);
        Assert.Equal(project.EnvironmentId, (await acme.GetOkAsync($"api/admin/environments/{project.EnvironmentId}")).Int("id"));
    }
}
