using System.Net;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// A person changes their password from the account menu: the browser that did it stays signed in, every other
/// session of theirs is sent to sign-in on its next page, and the form holds against a post from another site.
/// </summary>
public sealed class PasswordChangeFlowTests : BrowserTest
{
    private const string NewPassword = "a-brand-new-password";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangingThePasswordEndsTheOtherSessionsAndKeepsThisOne()
    {
        await using var changing = await Chromium.NewContextAsync();
        await using var other = await Chromium.NewContextAsync();
        var page = await SignedInPageAsync(changing);
        var otherPage = await SignedInPageAsync(other);

        await page.GetByTestId("account-menu").ClickAsync();
        await page.GetByTestId("change-password").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/account/password", StringComparison.Ordinal));
        await page.GetByTestId("password-current").FillAsync("not-the-password");
        await page.GetByTestId("password-new").FillAsync(NewPassword);
        await page.GetByTestId("password-confirm").FillAsync(NewPassword);
        await page.GetByTestId("password-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("password-error")).ToHaveTextAsync("That is not your current password.");

        await page.GetByTestId("password-current").FillAsync(Password);
        await page.GetByTestId("password-new").FillAsync(NewPassword);
        await page.GetByTestId("password-confirm").FillAsync(NewPassword);
        await page.GetByTestId("password-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("password-changed")).ToBeVisibleAsync();

        await page.GotoAsync(new Uri(App.BaseAddress, "features").ToString());
        await new DashboardShell(page).WaitForInteractiveAsync();
        Assert.EndsWith("/features", page.Url, StringComparison.Ordinal);

        await otherPage.GotoAsync(new Uri(App.BaseAddress, "segments").ToString());
        Assert.Contains("/account/login", otherPage.Url, StringComparison.Ordinal);
        var login = new LoginPage(otherPage, App.BaseAddress);
        await login.SignInAsync(Email, Password);
        await Assertions.Expect(login.Error).ToBeVisibleAsync();
        await login.SignInAsync(Email, NewPassword);
        await new DashboardShell(otherPage).WaitForInteractiveAsync();
    }

    [Fact]
    public async Task APostWithoutTheFormsAntiforgeryTokenChangesNothing()
    {
        var cookie = await DashboardSession.SignInAsync(App, Email, Password, Cancel);
        using var client = DashboardSession.Client(App, cookie);
        var fields = new Dictionary<string, string>
        {
            ["_handler"] = "change-password",
            ["Input.CurrentPassword"] = Password,
            ["Input.NewPassword"] = NewPassword,
            ["Input.ConfirmPassword"] = NewPassword,
        };

        // As another site would post it: the session cookie goes along, but no token (and none it could read).
        using var forged = await client.PostAsync("account/password", new FormUrlEncodedContent(fields), Cancel);
        fields["__RequestVerificationToken"] = "not-a-token";
        using var wrongToken = await client.PostAsync("account/password", new FormUrlEncodedContent(fields), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongToken.StatusCode);
        using var stillSignedIn = await client.GetAsync("account/password", Cancel);
        Assert.Equal(HttpStatusCode.OK, stillSignedIn.StatusCode);
        await DashboardSession.SignInAsync(App, Email, Password, Cancel);
    }

    [Fact]
    public async Task TheResetPasswordVerbEndsEverySessionOfThePerson()
    {
        var cookie = await DashboardSession.SignInAsync(App, Email, Password, Cancel);

        var refused = await App.RunVerbAsync("reset-password", "--email", Email, "--password", "too-short");
        var reset = await App.RunVerbAsync("reset-password", "--email", Email, "--password", NewPassword);

        Assert.Equal(1, refused.ExitCode);
        Assert.True(reset.ExitCode == 0, reset.Error);
        using var client = DashboardSession.Client(App, cookie);
        using var page = await client.GetAsync("features", Cancel);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.ToString(), StringComparison.Ordinal);
        await DashboardSession.SignInAsync(App, Email, NewPassword, Cancel);
    }

    private async Task<IPage> SignedInPageAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        var login = new LoginPage(page, App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(Email, Password);
        await new DashboardShell(page).WaitForInteractiveAsync();
        return page;
    }
}
