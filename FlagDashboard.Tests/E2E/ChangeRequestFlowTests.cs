using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Core.Access;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// Issue #19's Done-when in the browser: in an environment that requires one approval, an Editor's switch becomes
/// a change request; SDKs see the flag change only once another person has approved and committed it.
/// </summary>
public sealed class ChangeRequestFlowTests : BrowserTest
{
    private const string EditorEmail = "editor@example.com";
    private const string EditorPassword = "another-horse-battery";

    private int _production;
    private string _clientKey = "";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var created = await App.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "seed");
        Assert.True(created.ExitCode == 0, created.Error);
        using var api = App.CreateClient();
        api.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {created.Output.Trim().Split('\n')[^1].Trim()}");
        var shop = (await api.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = "Shop" }, HttpStatusCode.Created)).Int("id");
        var environment = await api.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{shop}/environments", new { name = "Production" }, HttpStatusCode.Created);
        (_production, _clientKey) = (environment.Int("id"), environment.Str("clientKey"));
        await api.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{shop}/features", new { name = "banner" }, HttpStatusCode.Created);
        var version = (await api.GetOkAsync($"api/admin/environments/{_production}")).Int("version");
        await api.SendOkAsync(HttpMethod.Put, $"api/admin/environments/{_production}/required-approvals", new { requiredApprovals = 1, version });
        await EditorAsync(shop);
    }

    [Fact]
    public async Task AnEditorsChangeReachesSdksOnlyAfterAnotherPersonApprovesAndCommitsIt()
    {
        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", _clientKey);
        var editor = await SignedInPageAsync(EditorEmail, EditorPassword);
        await editor.GetByTestId("environment-picker").ClickAsync();
        await editor.GetByRole(AriaRole.Option, new() { Name = "Production" }).ClickAsync();
        await Interactive.RetryAsync(async () =>
        {
            await new DashboardShell(editor).NavLink("features").ClickAsync();
            await editor.GetByTestId("features-table").WaitForAsync(new() { Timeout = 3000 });
        });

        await editor.GetByRole(AriaRole.Switch, new() { Name = "Enable banner" }).ClickAsync();

        await Assertions.Expect(editor.GetByText("saved as change request")).ToBeVisibleAsync();
        Assert.False(await SdkEnabledAsync(sdk));
        int requestId;
        await using (var db = App.OpenDatabase().CreateDbContext())
        {
            requestId = await db.ChangeRequests.Where(r => r.EnvironmentId == _production).Select(r => r.Id).SingleAsync(Cancel);
        }

        // The author cannot approve their own request.
        await editor.GotoAsync(new Uri(App.BaseAddress, $"change-requests/{requestId}").ToString());
        await Interactive.RetryAsync(async () =>
        {
            await editor.GetByTestId("approve-request").ClickAsync();
            await Assertions.Expect(editor.GetByText("cannot approve it")).ToBeVisibleAsync(new() { Timeout = 3000 });
        });
        await Assertions.Expect(editor.GetByTestId("request-status")).ToContainTextAsync("0 of 1 approvals");

        var admin = await SignedInPageAsync(Email, Password);
        await admin.GotoAsync(new Uri(App.BaseAddress, $"environments/{_production}/change-requests").ToString());
        await admin.GetByTestId($"change-request-{requestId}").ClickAsync();
        await Assertions.Expect(admin.GetByTestId("request-diff")).ToContainTextAsync("on");
        await Interactive.RetryAsync(async () =>
        {
            await admin.GetByTestId("approve-request").ClickAsync();
            await Assertions.Expect(admin.GetByTestId("request-status")).ToContainTextAsync("1 of 1 approvals", new() { Timeout = 3000 });
        });
        Assert.False(await SdkEnabledAsync(sdk));

        await admin.GetByTestId("commit-request").ClickAsync();

        await Assertions.Expect(admin.GetByTestId("request-status")).ToContainTextAsync("Committed");
        await Eventually.TrueAsync(() => SdkEnabledAsync(sdk), "GET /api/v1/flags/ to answer banner switched on");
        await Browser.SaveScreenshotAsync(admin, "change-request-committed");
    }

    private async Task<bool> SdkEnabledAsync(HttpClient sdk)
    {
        var flags = JsonNode.Parse(await sdk.GetStringAsync("api/v1/flags/", Cancel))!.AsArray();
        return flags.Single(f => f!["feature"]!["name"]!.GetValue<string>() == "banner")!["enabled"]!.GetValue<bool>();
    }

    private async Task<IPage> SignedInPageAsync(string email, string password)
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(email, password);
        await new DashboardShell(page).WaitForInteractiveAsync();
        return page;
    }

    /// <summary>A person made on the command line, then taken down from administrator to an Editor of the project in every environment.</summary>
    private async Task EditorAsync(int projectId)
    {
        await RunVerbAsync("create-admin", "--email", EditorEmail, "--password", EditorPassword);
        await using var db = App.OpenDatabase().CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.Email == EditorEmail, Cancel);
        user.IsAdministrator = false;
        var organisationId = await db.Projects.Where(p => p.Id == projectId).Select(p => p.OrganisationId).SingleAsync(Cancel);
        db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisationId, UserId = user.Id, Role = OrganisationRole.Member });
        db.ProjectRoleGrants.Add(new ProjectRoleGrant { ProjectId = projectId, UserId = user.Id, Role = ProjectRole.Editor, AllEnvironments = true });
        await db.SaveChangesAsync(Cancel);
    }
}
