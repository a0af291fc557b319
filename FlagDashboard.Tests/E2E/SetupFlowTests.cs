using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

public sealed class SetupFlowTests : BrowserTest
{
    // The set-up page is for a FlagDashboard with no user yet.
    protected override Task SeedAsync() => Task.CompletedTask;

    [Fact]
    public async Task TheFirstVisitorCreatesTheAdminAndLandsSignedIn()
    {
        var page = await Chromium.NewPageAsync();
        await page.GotoAsync(App.BaseAddress.ToString());
        Assert.EndsWith("/setup", page.Url);
        await Browser.SaveScreenshotAsync(page, "setup");

        await page.GetByTestId("setup-code").FillAsync(App.SetupCode);
        await page.GetByTestId("setup-email").FillAsync("first@example.com");
        await page.GetByTestId("setup-password").FillAsync("short");
        await page.GetByTestId("setup-confirm").FillAsync("short");
        await page.GetByTestId("setup-submit").ClickAsync();
        await Assertions.Expect(page.GetByText("Use at least 10 characters.")).ToBeVisibleAsync();

        await page.GetByTestId("setup-password").FillAsync("a-long-enough-password");
        await page.GetByTestId("setup-confirm").FillAsync("a-long-enough-password");
        await page.GetByTestId("setup-submit").ClickAsync();

        var shell = new DashboardShell(page);
        await Assertions.Expect(shell.Navigation).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projects", Exact = true })).ToBeVisibleAsync();
        var second = await Chromium.NewPageAsync();
        await second.GotoAsync(new Uri(App.BaseAddress, "setup").ToString());
        await Assertions.Expect(second.GetByTestId("setup-submit")).ToHaveCountAsync(0);
    }
}
