using System.Net;
using FlagDashboard.Core.Access;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// People with project roles in the browser: a Viewer sees only their project and no switch they could use; an
/// Editor kept out of Production switches flags in Development and not in Production.
/// </summary>
public sealed class RolesFlowTests : BrowserTest
{
    private const string ViewerEmail = "viewer@example.com";
    private const string EditorEmail = "careful-editor@example.com";
    private const string PersonPassword = "another-horse-battery";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        var created = await App.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "seed");
        Assert.True(created.ExitCode == 0, created.Error);
        using var api = App.CreateClient();
        api.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {created.Output.Trim().Split('\n')[^1].Trim()}");
        var shop = (await api.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = "Shop" }, HttpStatusCode.Created)).Int("id");
        await api.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = "Hidden project" }, HttpStatusCode.Created);
        var environments = new Dictionary<string, int>();
        foreach (var name in new[] { "Development", "Production" })
        {
            environments[name] = (await api.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{shop}/environments", new { name }, HttpStatusCode.Created)).Int("id");
        }

        await api.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{shop}/features", new { name = "banner" }, HttpStatusCode.Created);
        await PersonWithRoleAsync(ViewerEmail, shop, ProjectRole.Viewer, stateEnvironments: null);
        await PersonWithRoleAsync(EditorEmail, shop, ProjectRole.Editor, stateEnvironments: [environments["Development"]]);
    }

    [Fact]
    public async Task AViewerSeesOnlyTheirProjectAndCannotSwitchAFlag()
    {
        var page = await SignedInPageAsync(ViewerEmail);
        await Assertions.Expect(page.GetByTestId("projects-table")).ToContainTextAsync("Shop");
        await Assertions.Expect(page.GetByTestId("projects-table")).Not.ToContainTextAsync("Hidden project");
        await Assertions.Expect(page.GetByTestId("rename-project")).ToHaveCountAsync(0);

        await OpenFeaturesInAsync(page, "Production");
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Enable banner" });
        await Assertions.Expect(toggle).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("read-only-notice")).ToContainTextAsync("lets you look, not change");
        await Assertions.Expect(page.GetByTestId("create-feature")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("edit-banner")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("value-banner-edit")).ToHaveCountAsync(0);
        await Browser.SaveScreenshotAsync(page, "features-as-viewer");
    }

    [Fact]
    public async Task AnEditorKeptOutOfProductionSwitchesInDevelopmentOnly()
    {
        var page = await SignedInPageAsync(EditorEmail);
        await OpenFeaturesInAsync(page, "Production");
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Enable banner" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByTestId("read-only-notice")).ToContainTextAsync("not switch them in this environment");
        await Assertions.Expect(page.GetByTestId("create-feature")).ToBeVisibleAsync();

        await page.GetByTestId("environment-picker").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Development" }).ClickAsync();
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Enable banner" });
        await Assertions.Expect(toggle).ToBeEnabledAsync();
        await Assertions.Expect(page.GetByTestId("read-only-notice")).ToHaveCountAsync(0);
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToBeCheckedAsync();
        await Assertions.Expect(page.GetByText("banner is on.")).ToBeVisibleAsync();

        // The feature's page: Development's switch works, Production's is shown but not to be used.
        await page.GetByTestId("feature-link-banner").ClickAsync();
        await Assertions.Expect(page.GetByTestId("env-state-Development")).ToContainTextAsync("On");
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Enable banner in Production" })).ToBeDisabledAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Enable banner in Development" })).ToBeEnabledAsync();
        await Browser.SaveScreenshotAsync(page, "feature-as-editor-without-production");

        await using var db = App.OpenDatabase().CreateDbContext();
        var states = await db.FeatureStates.AsNoTracking().Where(s => s.Feature!.Name == "banner" && s.SegmentId == null && s.IdentityId == null)
            .Select(s => new { s.Environment!.Name, s.Enabled }).ToListAsync(Cancel);
        Assert.True(states.Single(s => s.Name == "Development").Enabled);
        Assert.False(states.Single(s => s.Name == "Production").Enabled);
    }

    private async Task<IPage> SignedInPageAsync(string email)
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1440, Height = 900 } });
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(email, PersonPassword);
        await new DashboardShell(page).WaitForInteractiveAsync();
        return page;
    }

    private static async Task OpenFeaturesInAsync(IPage page, string environment)
    {
        await page.GetByTestId("environment-picker").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = environment }).ClickAsync();
        await Interactive.RetryAsync(async () =>
        {
            await new DashboardShell(page).NavLink("features").ClickAsync();
            await page.GetByTestId("features-table").WaitForAsync(new() { Timeout = 3000 });
        });
    }

    /// <summary>A person made on the command line, then taken down from administrator to a member of Acme with one project role.</summary>
    private async Task PersonWithRoleAsync(string email, int projectId, ProjectRole role, IReadOnlyList<int>? stateEnvironments)
    {
        await RunVerbAsync("create-admin", "--email", email, "--password", PersonPassword);
        await using var db = App.OpenDatabase().CreateDbContext();
        var user = await db.Users.SingleAsync(u => u.Email == email, Cancel);
        user.IsAdministrator = false;
        var organisationId = await db.Projects.Where(p => p.Id == projectId).Select(p => p.OrganisationId).SingleAsync(Cancel);
        db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisationId, UserId = user.Id, Role = OrganisationRole.Member });
        db.ProjectRoleGrants.Add(new ProjectRoleGrant
        {
            ProjectId = projectId,
            UserId = user.Id,
            Role = role,
            AllEnvironments = stateEnvironments is null,
            StateEnvironments = [.. (stateEnvironments ?? []).Select(id => new ProjectRoleEnvironment { EnvironmentId = id })],
        });
        await db.SaveChangesAsync(Cancel);
    }
}
