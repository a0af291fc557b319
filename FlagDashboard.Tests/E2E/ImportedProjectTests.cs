using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>An environment imported on the command line, then looked at and changed in the browser.</summary>
public sealed class ImportedProjectTests : BrowserTest
{
    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
    }

    [Fact]
    public async Task TheFeaturesPageShowsTheImportedStatesAndATogglePersists()
    {
        var page = await Chromium.NewPageAsync();
        await new LoginPage(page, App.BaseAddress).OpenAsync();
        await new LoginPage(page, App.BaseAddress).SignInAsync(Email, Password);
        await Assertions.Expect(page.GetByTestId("projects-table")).ToContainTextAsync("Web");
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();
        await Browser.SaveScreenshotAsync(page, "projects");

        await shell.NavLink("features").ClickAsync();
        var table = page.GetByTestId("features-table");
        await Assertions.Expect(table).ToContainTextAsync("welcome_banner");
        await Assertions.Expect(table).ToContainTextAsync("Hello, world");
        var darkMode = page.GetByRole(AriaRole.Switch, new() { Name = "Enable dark_mode" });
        await Assertions.Expect(darkMode).Not.ToBeCheckedAsync();

        await Interactive.RetryAsync(async () =>
        {
            await darkMode.ClickAsync();
            await Assertions.Expect(darkMode).ToBeCheckedAsync(new() { Timeout = 2000 });
        });
        await Assertions.Expect(page.GetByText("dark_mode is on.")).ToBeVisibleAsync();
        await Browser.SaveScreenshotAsync(page, "features");

        await page.ReloadAsync();
        await shell.WaitForInteractiveAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Switch, new() { Name = "Enable dark_mode" })).ToBeCheckedAsync();
        await shell.NavLink("audit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("audit-table")).ToContainTextAsync("dark_mode in Development");
        await Browser.SaveScreenshotAsync(page, "audit-log-with-changes");
    }
}
