using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>An open dashboard (a live Blazor circuit) notices when its session is ended elsewhere.</summary>
public sealed class OpenDashboardSessionTests : BrowserTest
{
    protected override IReadOnlyDictionary<string, string> AppSettings { get; } = new Dictionary<string, string> { ["Sessions__CircuitRevalidationInterval"] = "00:00:01" };

    [Fact]
    public async Task AnOpenDashboardIsSentToSignInWhenItsSessionIsEndedElsewhere()
    {
        var page = await Chromium.NewPageAsync();
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(Email, Password);
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();
        var cookies = await page.Context.CookiesAsync();
        var session = cookies.Single(c => c.Name == DashboardSession.CookieName);

        // The same session signed out from another tab or device, as an attacker holding a copy would not.
        var signedOut = await DashboardSession.SignOutAsync(App, $"{session.Name}={session.Value}", TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, signedOut.StatusCode);

        await page.WaitForURLAsync(url => url.Contains("/account/login", StringComparison.Ordinal), new() { Timeout = 30000 });
    }
}
