using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

public sealed class SignInFlowTests : BrowserTest
{
    [Fact]
    public async Task ASignedInAdminSeesTheNavigation()
    {
        var page = await Chromium.NewPageAsync();
        var login = new LoginPage(page, App.BaseAddress);
        await page.GotoAsync(new Uri(App.BaseAddress, "features").ToString());
        Assert.EndsWith("/account/login?ReturnUrl=%2Ffeatures", page.Url);

        await login.SignInAsync(Email, Password);

        await page.WaitForURLAsync(url => url.EndsWith("/features", StringComparison.Ordinal));
        var shell = new DashboardShell(page);
        await Assertions.Expect(shell.Navigation).ToBeVisibleAsync();
        foreach (var (name, text) in new[] { ("projects", "Projects"), ("environments", "Environments"), ("features", "Features"), ("segments", "Segments"), ("identities", "Identities"), ("usage", "Usage"), ("audit", "Audit log") })
        {
            await Assertions.Expect(shell.NavLink(name)).ToHaveTextAsync(text);
        }

        await shell.WaitForInteractiveAsync();
        await shell.NavLink("audit").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/audit", StringComparison.Ordinal));
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Audit log" })).ToBeVisibleAsync();
        await Browser.SaveScreenshotAsync(page, "audit-log");
    }

    [Fact]
    public async Task SigningOutEndsTheSession()
    {
        var page = await Chromium.NewPageAsync();
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(Email, Password);
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();

        await page.GetByTestId("account-menu").ClickAsync();
        await page.GetByTestId("sign-out").ClickAsync();

        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal));
        await page.GotoAsync(new Uri(App.BaseAddress, "segments").ToString());
        Assert.Contains("/account/login", page.Url);
    }

    [Fact]
    public async Task AWrongPasswordIsRefusedWithAMessage()
    {
        var page = await Chromium.NewPageAsync();
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();

        await login.SignInAsync(Email, "not-the-password");

        await Assertions.Expect(login.Error).ToContainTextAsync("do not match");
        Assert.Contains("/account/login", page.Url);
    }

    [Fact]
    public async Task TheDarkModeToggleSwitchesTheTheme()
    {
        var page = await Chromium.NewPageAsync(new BrowserNewPageOptions { ColorScheme = ColorScheme.Light });
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(Email, Password);
        var shell = new DashboardShell(page);
        await Assertions.Expect(shell.Navigation).ToBeVisibleAsync();
        await shell.WaitForInteractiveAsync();
        var before = await BackgroundOfAsync(page);

        // The first click can land before the interactive circuit is up; a person would click again.
        await Interactive.RetryAsync(async () =>
        {
            await shell.DarkModeToggle.ClickAsync();
            await page.WaitForFunctionAsync($"() => getComputedStyle(document.body).backgroundColor !== '{before}'", null, new() { Timeout = 2000 });
        });

        Assert.NotEqual(before, await BackgroundOfAsync(page));
        await Browser.SaveScreenshotAsync(page, "projects-dark");
    }

    private static Task<string> BackgroundOfAsync(IPage page) =>
        page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");
}
