using System.Net.Http.Json;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

public sealed class InvitationFlowTests : BrowserTest
{
    private const string InvitedEmail = "vic@example.com";
    private const string InvitedPassword = "vics-own-password";

    /// <summary>The admin (an Owner of every organisation) and Acme with two projects, Web and Mobile.</summary>
    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        var key = (await App.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "seed")).Output.Trim().Split('\n')[^1].Trim();
        using var api = App.CreateClient();
        api.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {key}");
        var created = await api.PostAsJsonAsync("api/admin/projects", new { name = "Mobile" }, TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task AnOwnerInvitesAViewerOfOneProjectWhoAcceptsAndSeesOnlyThatProject()
    {
        var context = await Chromium.NewContextAsync(new() { Permissions = ["clipboard-read", "clipboard-write"] });
        var owner = await context.NewPageAsync();
        var pages = new AdminPages(owner, App.BaseAddress);
        await pages.SignInAsync();
        await pages.OpenAsync("members", "invite-submit");

        await AdminPages.FillAsync(owner.Locator("input[data-testid=invite-email]"), InvitedEmail);
        await pages.ChooseAsync(owner.GetByTestId("invite-project"), "Web");
        await pages.ChooseAsync(owner.GetByTestId("invite-project-role"), "Viewer");
        await owner.GetByTestId("invite-submit").ClickAsync();
        var link = (await owner.GetByTestId("invitation-link").InnerTextAsync()).Trim();
        await owner.GetByTestId("copy-invitation-link").ClickAsync();
        await Assertions.Expect(pages.SnackbarSaying("Copied the invitation link.")).ToBeVisibleAsync();
        var copied = await owner.EvaluateAsync<string>("() => navigator.clipboard.readText()");
        Assert.Equal(link, copied);
        Assert.StartsWith(new Uri(App.BaseAddress, "invitations/").ToString(), link, StringComparison.Ordinal);
        await Assertions.Expect(owner.GetByTestId("invitation-email")).ToHaveTextAsync(InvitedEmail);
        await Assertions.Expect(owner.GetByTestId("invitation-project-role")).ToHaveTextAsync("Web: Viewer");
        await Browser.SaveScreenshotAsync(owner, "members-invited");

        await using var fresh = await Chromium.NewContextAsync();
        var invited = await fresh.NewPageAsync();
        await invited.GotoAsync(copied);
        await Assertions.Expect(invited.GetByTestId("invitation-summary")).ToContainTextAsync("Viewer of the project Web");
        await invited.GetByTestId("invitation-password").FillAsync(InvitedPassword);
        await invited.GetByTestId("invitation-confirm").FillAsync(InvitedPassword);
        await invited.GetByTestId("invitation-accept").ClickAsync();

        await invited.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/");
        await new DashboardShell(invited).WaitForInteractiveAsync();
        // One project, Web (its row also says it is the one selected).
        await Assertions.Expect(invited.GetByTestId("project-name")).ToContainTextAsync(["Web"]);
        await Assertions.Expect(invited.GetByTestId("project-name").Filter(new() { HasText = "Mobile" })).ToHaveCountAsync(0);
        await Browser.SaveScreenshotAsync(invited, "members-invited-projects");
        await invited.GotoAsync(new Uri(App.BaseAddress, "members").ToString());
        await Assertions.Expect(invited.GetByTestId("member-email")).ToHaveTextAsync([InvitedEmail]);
        await Assertions.Expect(invited.GetByTestId("member-project-roles")).ToHaveTextAsync(["Web: Viewer"]);
        await Assertions.Expect(invited.GetByTestId("invite-submit")).ToHaveCountAsync(0);
        await Assertions.Expect(invited.GetByTestId("remove-member")).ToHaveCountAsync(0);

        await owner.ReloadAsync();
        await Assertions.Expect(owner.GetByTestId("member-email")).ToContainTextAsync([InvitedEmail]);
        await Assertions.Expect(owner.GetByTestId("invitation-email")).ToHaveCountAsync(0);
        await context.CloseAsync();
    }
}
