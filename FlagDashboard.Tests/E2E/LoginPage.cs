using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

public sealed class LoginPage(IPage page, Uri baseAddress)
{
    public async Task OpenAsync() => await page.GotoAsync(new Uri(baseAddress, "account/login").ToString());

    public async Task SignInAsync(string email, string password)
    {
        await page.GetByTestId("login-email").FillAsync(email);
        await page.GetByTestId("login-password").FillAsync(password);
        await page.GetByTestId("login-submit").ClickAsync();
    }

    public ILocator Error => page.GetByTestId("login-error");
}

public sealed class DashboardShell(IPage page)
{
    public ILocator Navigation => page.GetByTestId("nav");

    public ILocator NavLink(string name) => page.GetByTestId($"nav-{name}");

    public ILocator SignedInAs => page.GetByTestId("signed-in-as");

    public ILocator DarkModeToggle => page.GetByTestId("dark-mode-toggle");

    /// <summary>Waits until the Blazor circuit has taken over the prerendered page, so clicks do what they say.</summary>
    public Task WaitForInteractiveAsync() =>
        page.Locator("[data-testid=circuit][data-ready=true]").WaitForAsync(new() { State = WaitForSelectorState.Attached, Timeout = (float)Eventually.Deadline.TotalMilliseconds });
}
