using FlagDashboard.Core.Access;
using FlagDashboard.Tests.E2E;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.SingleSignOn;

/// <summary>
/// Single sign-on in Chromium against a real OpenID provider (npm oidc-provider) on a loopback port: the sign-in page's
/// button, the provider's own sign-in form, the code flow back to the app, and what the app made of the person.
/// </summary>
public sealed class SingleSignOnTests : IAsyncLifetime
{
    private const string DisplayName = "Test Identity";
    private const string AdminPassword = "an-admin-password";
    private static readonly SsoAccount Known = new("known", "known@example.test", EmailVerified: true);
    private static readonly SsoAccount Newcomer = new("newcomer", "newcomer@example.test", EmailVerified: true);
    private static readonly SsoAccount Unverified = new("unverified", "unverified@example.test", EmailVerified: false);

    private SsoProvider _provider = null!;
    private AppProcess? _app;
    private IPlaywright _playwright = null!;
    private IBrowser _chromium = null!;

    public async ValueTask InitializeAsync()
    {
        _provider = await SsoProvider.StartAsync(Known, Newcomer, Unverified);
        (_playwright, _chromium) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        _playwright.Dispose();
        await _provider.DisposeAsync();
        var log = _app?.Log ?? "";
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        GC.SuppressFinalize(this);
        var crash = log.IndexOf("Unhandled exception", StringComparison.Ordinal);
        Assert.True(crash < 0, $"The app logged an unhandled exception during the test:\n{log[Math.Max(0, crash - 200)..Math.Min(log.Length, crash + 1500)]}");
        // Neither the client secret nor a token (a JWT starts with the base64 of '{"') is ever logged.
        Assert.DoesNotContain(SsoProvider.ClientSecret, log, StringComparison.Ordinal);
        Assert.DoesNotContain("eyJ", log, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AKnownPersonSignsInWithTheProviderAndLandsOnTheDashboard()
    {
        var app = await StartAppAsync(defaultOrganisation: null);
        var page = await OpenAsync("features");
        Assert.EndsWith("/account/login?ReturnUrl=%2Ffeatures", page.Url);

        await SignInAtProviderAsync(page, Known);

        await page.WaitForURLAsync(url => url == new Uri(app.BaseAddress, "features").ToString());
        await Assertions.Expect(new DashboardShell(page).Navigation).ToBeVisibleAsync();
        await Browser.SaveScreenshotAsync(page, "sso-known-person");
        await using var db = await app.OpenDatabase().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var user = await db.Users.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(Known.Email, user.Email);
        Assert.NotNull(user.LastSignInAt);
        var login = await db.UserLogins.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal(("oidc", Known.Id, user.Id), (login.LoginProvider, login.ProviderKey, login.UserId));
    }

    [Fact]
    public async Task AnUnknownPersonJoinsTheDefaultOrganisationAsMemberAndSeesOnlyIt()
    {
        var app = await StartAppAsync(defaultOrganisation: "Acme");
        var seeded = await app.RunVerbAsync("create-api-key", "--organisation", "Other", "--name", "seed");
        Assert.True(seeded.ExitCode == 0, seeded.Error);
        var page = await OpenAsync("");

        await SignInAtProviderAsync(page, Newcomer);

        await page.WaitForURLAsync(url => url == app.BaseAddress.ToString());
        var organisations = page.GetByTestId("organisations-table");
        await Assertions.Expect(organisations).ToContainTextAsync("Acme");
        await Assertions.Expect(organisations).Not.ToContainTextAsync("Other");
        await Browser.SaveScreenshotAsync(page, "sso-newcomer");
        await using var db = await app.OpenDatabase().CreateDbContextAsync(TestContext.Current.CancellationToken);
        var user = await db.Users.SingleAsync(u => u.Email == Newcomer.Email, TestContext.Current.CancellationToken);
        Assert.False(user.IsAdministrator);
        Assert.Null(user.PasswordHash);
        Assert.True(user.EmailConfirmed);
        Assert.NotNull(user.LastSignInAt);
        var membership = await db.OrganisationMembers.Include(m => m.Organisation).SingleAsync(m => m.UserId == user.Id, TestContext.Current.CancellationToken);
        Assert.Equal(("Acme", OrganisationRole.Member), (membership.Organisation!.Name, membership.Role));
        var audit = await db.AuditEntries.SingleAsync(e => e.EntityType == nameof(OrganisationMember), TestContext.Current.CancellationToken);
        Assert.Equal((Newcomer.Email, membership.OrganisationId), (audit.Actor, audit.OrganisationId));
        Assert.Contains("\"role\":\"Member\"", audit.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnverifiedEmailIsRefusedWithAMessage()
    {
        var app = await StartAppAsync(defaultOrganisation: "Acme");
        var page = await OpenAsync("account/login");

        await SignInAtProviderAsync(page, Unverified);

        await page.WaitForURLAsync(url => url.StartsWith(new Uri(app.BaseAddress, "account/login").ToString(), StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync($"{DisplayName} has not verified your e-mail address");
        await Browser.SaveScreenshotAsync(page, "sso-unverified");
        await AssertNobodyJoinedAsync(app, Unverified.Email);
    }

    [Fact]
    public async Task AnUnknownPersonIsRefusedWhenNoDefaultOrganisationIsSet()
    {
        var app = await StartAppAsync(defaultOrganisation: null);
        var page = await OpenAsync("account/login");

        await SignInAtProviderAsync(page, Newcomer);

        await page.WaitForURLAsync(url => url.StartsWith(new Uri(app.BaseAddress, "account/login").ToString(), StringComparison.Ordinal));
        await Assertions.Expect(page.GetByTestId("login-error")).ToContainTextAsync("There is no FlagDashboard account for your e-mail address");
        await AssertNobodyJoinedAsync(app, Newcomer.Email);
    }

    private async Task<AppProcess> StartAppAsync(string? defaultOrganisation)
    {
        var settings = new Dictionary<string, string>
        {
            ["Sso__Authority"] = _provider.Issuer.ToString().TrimEnd('/'),
            ["Sso__ClientId"] = SsoProvider.ClientId,
            ["Sso__ClientSecret"] = SsoProvider.ClientSecret,
            ["Sso__DisplayName"] = DisplayName,
            ["Sso__RequireHttpsMetadata"] = "false",
        };
        if (defaultOrganisation is not null)
        {
            settings["Sso__DefaultOrganisation"] = defaultOrganisation;
        }

        _app = await AppProcess.StartAsync(settings);
        await _provider.RegisterClientAsync(_app.BaseAddress);
        // The known person: an account made the ordinary way, with a password they need not use.
        var admin = await _app.RunVerbAsync("create-admin", "--email", Known.Email, "--password", AdminPassword);
        Assert.True(admin.ExitCode == 0, admin.Error);
        return _app;
    }

    private async Task<IPage> OpenAsync(string path)
    {
        var context = await _chromium.NewContextAsync();
        // The provider's pages link web fonts; nothing leaves this machine.
        await context.RouteAsync("**/*", route => new Uri(route.Request.Url).IsLoopback ? route.ContinueAsync() : route.AbortAsync());
        var page = await context.NewPageAsync();
        await page.GotoAsync(new Uri(_app!.BaseAddress, path).ToString());
        return page;
    }

    /// <summary>Follows the sign-in page's button to the provider and signs in there (its form takes the account id and any password).</summary>
    private async Task SignInAtProviderAsync(IPage page, SsoAccount account)
    {
        var button = page.GetByTestId("login-sso");
        await Assertions.Expect(button).ToHaveTextAsync($"Sign in with {DisplayName}");
        await button.ClickAsync();
        await page.WaitForURLAsync(url => url.StartsWith(_provider.Issuer.ToString(), StringComparison.Ordinal));
        await page.Locator("input[name=login]").FillAsync(account.Id);
        await page.Locator("input[name=password]").FillAsync("any password");
        await page.Locator("button[type=submit]").ClickAsync();
    }

    private static async Task AssertNobodyJoinedAsync(AppProcess app, string email)
    {
        await using var db = await app.OpenDatabase().CreateDbContextAsync(TestContext.Current.CancellationToken);
        Assert.False(await db.Users.AnyAsync(u => u.Email == email, TestContext.Current.CancellationToken));
        Assert.False(await db.Organisations.AnyAsync(o => o.Name == "Acme", TestContext.Current.CancellationToken));
        Assert.Equal(0, await db.UserLogins.CountAsync(TestContext.Current.CancellationToken));
    }
}
