using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>An environment imported on the command line, then looked at and changed in the browser.</summary>
public sealed class ImportedProjectTests : IAsyncLifetime
{
    private const string Email = "admin@example.com";
    private const string Password = "correct-horse";
    private AppProcess _app = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _app = await AppProcess.StartAsync();
        var created = await _app.RunVerbAsync("create-admin", "--email", Email, "--password", Password);
        Assert.True(created.ExitCode == 0, created.Error);
        var imported = await _app.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web",
            Path.Combine(AppContext.BaseDirectory, "Import", "Samples", SampleDocuments.Development));
        Assert.True(imported.ExitCode == 0, imported.Error);
        (_playwright, _browser) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _app.DisposeAsync();
    }

    [Fact]
    public async Task TheFeaturesPageShowsTheImportedStatesAndATogglePersists()
    {
        var page = await _browser.NewPageAsync();
        await new LoginPage(page, _app.BaseAddress).OpenAsync();
        await new LoginPage(page, _app.BaseAddress).SignInAsync(Email, Password);
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
