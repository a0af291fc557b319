using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.Tests.Members;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class MembersApiTests(AdminApiFixture fixture)
{
    private const string Password = "a-long-enough-password";

    [Fact]
    public async Task AnInvitationFromTheApiIsAcceptedOnceAndTheRemovedPersonsSessionEndsAtOnce()
    {
        using var acme = fixture.Client();
        var project = await fixture.NewProjectAsync(acme);
        var email = $"vic-{Guid.NewGuid():N}@example.com";

        var created = await acme.SendOkAsync(HttpMethod.Post, "api/admin/invitations", new { email, projectId = project.ProjectId, projectRole = "viewer" }, HttpStatusCode.Created);

        var link = created.Str("link");
        Assert.StartsWith(new Uri(fixture.App.BaseAddress, "invitations/fdi_").ToString(), link, StringComparison.Ordinal);
        Assert.Equal(("Member", "Viewer", false), (created.Str("role"), created.Str("projectRole"), created["emailed"]!.GetValue<bool>()));
        var pending = (await acme.GetOkAsync("api/admin/invitations?pageSize=500"))["items"]!.AsArray();
        var listed = Assert.Single(pending, i => i!.Str("email") == email)!;
        Assert.Null(listed["link"]);

        var (accepted, cookie) = await InvitationLink.AcceptAsync(fixture.App, link, Password, AdminApiHttp.Cancel);
        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.NotNull(cookie);
        var member = await MemberAsync(acme, email);
        Assert.Equal("Member", member.Str("role"));
        var role = Assert.Single(member["projectRoles"]!.AsArray())!;
        Assert.Equal((project.ProjectId, "Viewer"), (role.Int("projectId"), role.Str("role")));
        Assert.DoesNotContain((await acme.GetOkAsync("api/admin/invitations?pageSize=500"))["items"]!.AsArray(), i => i!.Str("email") == email);
        using var anonymous = fixture.App.CreateClient();
        Assert.Contains("already been used", await anonymous.GetStringAsync(link, AdminApiHttp.Cancel), StringComparison.Ordinal);
        using (var person = DashboardSession.Client(fixture.App, cookie))
        {
            Assert.Equal(HttpStatusCode.OK, (await person.GetAsync("/", AdminApiHttp.Cancel)).StatusCode);
        }

        await acme.SendOkAsync(HttpMethod.Delete, $"api/admin/members/{member.Str("userId")}", expected: HttpStatusCode.NoContent);

        using (var person = DashboardSession.Client(fixture.App, cookie))
        {
            var after = await person.GetAsync("/", AdminApiHttp.Cancel);
            Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
            Assert.Contains("/account/login", after.Headers.Location!.ToString(), StringComparison.Ordinal);
        }

        Assert.DoesNotContain((await acme.GetOkAsync("api/admin/members?pageSize=500"))["items"]!.AsArray(), m => m!.Str("email") == email);
    }

    [Fact]
    public async Task AViewerKeyReadsPeopleGroupsRolesAndInvitationsButChangesNone()
    {
        using var acme = fixture.Client();
        var project = await fixture.NewProjectAsync(acme);
        var group = await acme.SendOkAsync(HttpMethod.Post, "api/admin/groups", new { name = $"Group {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var invitation = await acme.SendOkAsync(HttpMethod.Post, "api/admin/invitations", new { email = $"x-{Guid.NewGuid():N}@example.com" }, HttpStatusCode.Created);
        var key = await acme.SendOkAsync(HttpMethod.Post, "api/admin/api-keys", new { name = "members viewer", role = "viewer" }, HttpStatusCode.Created);
        using var viewer = fixture.Client(key.Str("key"));

        foreach (var read in new[] { "api/admin/members", "api/admin/groups", "api/admin/invitations", $"api/admin/projects/{project.ProjectId}/roles" })
        {
            await viewer.GetOkAsync(read);
        }

        var writes = new (HttpMethod Method, string Url, object? Body)[]
        {
            (HttpMethod.Post, "api/admin/invitations", new { email = "new@example.com" }),
            (HttpMethod.Delete, $"api/admin/invitations/{invitation.Int("id")}", null),
            (HttpMethod.Put, "api/admin/members/someone/role", new { role = "owner" }),
            (HttpMethod.Delete, "api/admin/members/someone", null),
            (HttpMethod.Post, "api/admin/groups", new { name = "Mine" }),
            (HttpMethod.Put, $"api/admin/groups/{group.Int("id")}", new { name = "Renamed" }),
            (HttpMethod.Delete, $"api/admin/groups/{group.Int("id")}", null),
            (HttpMethod.Put, $"api/admin/groups/{group.Int("id")}/members/someone", null),
            (HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/roles", new { groupId = group.Int("id"), role = "admin" }),
        };
        foreach (var (method, url, body) in writes)
        {
            await viewer.AssertProblemAsync(method, url, body, HttpStatusCode.Forbidden);
        }

        Assert.Contains((await acme.GetOkAsync("api/admin/groups?pageSize=500"))["items"]!.AsArray(), g => g!.Str("name") == group.Str("name"));
        Assert.Empty((await acme.GetOkAsync($"api/admin/projects/{project.ProjectId}/roles")).AsArray());
    }

    [Fact]
    public async Task GroupsHoldProjectRolesWhoseStateEnvironmentsAreTheProjects()
    {
        using var acme = fixture.Client();
        var project = await fixture.NewProjectAsync(acme);
        var elsewhere = await fixture.NewProjectAsync(acme);
        var name = $"Mobile {Guid.NewGuid():N}";
        var group = await acme.SendOkAsync(HttpMethod.Post, "api/admin/groups", new { name }, HttpStatusCode.Created);
        await acme.AssertProblemAsync(HttpMethod.Post, "api/admin/groups", new { name }, HttpStatusCode.BadRequest, "name");
        await acme.AssertProblemAsync(HttpMethod.Put, $"api/admin/groups/{group.Int("id")}/members/nobody", null, HttpStatusCode.BadRequest, "userId");
        await acme.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/roles",
            new { groupId = group.Int("id"), role = "editor", allEnvironments = false, stateEnvironmentIds = new[] { elsewhere.EnvironmentId } }, HttpStatusCode.BadRequest, "stateEnvironmentIds");
        await acme.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/roles", new { groupId = group.Int("id") }, HttpStatusCode.BadRequest, "role");

        var role = await acme.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/roles",
            new { groupId = group.Int("id"), role = "editor", allEnvironments = false, stateEnvironmentIds = new[] { project.EnvironmentId } });

        Assert.Equal(("Editor", false, project.EnvironmentId, name), (role.Str("role"), role["allEnvironments"]!.GetValue<bool>(), Assert.Single(role["stateEnvironmentIds"]!.AsArray())!.GetValue<int>(), role.Str("holderName")));
        var changed = await acme.SendOkAsync(HttpMethod.Put, $"api/admin/project-roles/{role.Int("id")}", new { role = "viewer" });
        Assert.Equal(("Viewer", true), (changed.Str("role"), changed["allEnvironments"]!.GetValue<bool>()));
        using var globex = fixture.Client("globex");
        await globex.AssertProblemAsync(HttpMethod.Delete, $"api/admin/project-roles/{role.Int("id")}", null, HttpStatusCode.Forbidden);
        await globex.AssertProblemAsync(HttpMethod.Delete, $"api/admin/groups/{group.Int("id")}", null, HttpStatusCode.Forbidden);
        await acme.SendOkAsync(HttpMethod.Delete, $"api/admin/project-roles/{role.Int("id")}", expected: HttpStatusCode.NoContent);
        Assert.Empty((await acme.GetOkAsync($"api/admin/projects/{project.ProjectId}/roles")).AsArray());
        await acme.SendOkAsync(HttpMethod.Delete, $"api/admin/groups/{group.Int("id")}", expected: HttpStatusCode.NoContent);
        Assert.DoesNotContain((await acme.GetOkAsync("api/admin/groups?pageSize=500"))["items"]!.AsArray(), g => g!.Str("name") == name);
    }

    [Fact]
    public async Task ABadInvitationIsRefusedNamingTheFieldAndARevokedLinkStopsWorking()
    {
        using var acme = fixture.Client();
        await acme.AssertProblemAsync(HttpMethod.Post, "api/admin/invitations", new { email = "not an address" }, HttpStatusCode.BadRequest, "email");
        await acme.AssertProblemAsync(HttpMethod.Post, "api/admin/invitations", new { email = "a@example.com", projectRole = "viewer" }, HttpStatusCode.BadRequest, "projectId");
        await acme.AssertProblemAsync(HttpMethod.Post, "api/admin/invitations", new { email = "a@example.com", role = "king" }, HttpStatusCode.BadRequest);
        var created = await acme.SendOkAsync(HttpMethod.Post, "api/admin/invitations", new { email = $"r-{Guid.NewGuid():N}@example.com" }, HttpStatusCode.Created);

        await acme.SendOkAsync(HttpMethod.Delete, $"api/admin/invitations/{created.Int("id")}", expected: HttpStatusCode.NoContent);

        using var anonymous = fixture.App.CreateClient();
        var page = await anonymous.GetStringAsync(created.Str("link"), AdminApiHttp.Cancel);
        Assert.Contains("withdrawn", page, StringComparison.Ordinal);
        Assert.DoesNotContain("invitation-accept", page, StringComparison.Ordinal);
        var document = await anonymous.GetStringAsync("openapi/v1.json", AdminApiHttp.Cancel);
        foreach (var route in new[] { "/api/admin/members", "/api/admin/groups/{groupId}/members/{userId}", "/api/admin/projects/{projectId}/roles", "/api/admin/invitations" })
        {
            Assert.Contains($"\"{route}\"", document, StringComparison.Ordinal);
        }
    }

    private static async Task<JsonNode> MemberAsync(HttpClient client, string email) =>
        Assert.Single((await client.GetOkAsync("api/admin/members?pageSize=500"))["items"]!.AsArray(), m => m!.Str("email") == email)!;
}
