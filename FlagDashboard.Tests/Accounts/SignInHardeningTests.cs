using System.Net;
using System.Text.RegularExpressions;
using FlagDashboard.Accounts;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Users;
using FlagDashboard.Hosting;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace FlagDashboard.Tests.Accounts;

/// <summary>An app behind a trusted proxy on loopback, with a small sign-in allowance per client address.</summary>
public sealed class ProxiedAppFixture : IAsyncLifetime
{
    public const int AttemptsPerMinute = 4;

    public AppProcess App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Proxy__TrustedNetworks__0"] = "127.0.0.0/8",
            ["SignInThrottle__AttemptsPerMinute"] = AttemptsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        var created = await App.RunVerbAsync("create-admin", "--email", AppWithAdminFixture.Email, "--password", AppWithAdminFixture.Password);
        if (created.ExitCode != 0)
        {
            throw new InvalidOperationException($"create-admin failed: {created.Error}");
        }
    }

    /// <summary>A client that the proxy says comes from <paramref name="address"/>, over HTTPS if asked.</summary>
    public HttpClient ClientFrom(string address, bool https = false)
    {
        var client = App.CreateClient();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        if (https)
        {
            client.DefaultRequestHeaders.Add("X-Forwarded-Proto", "https");
            client.DefaultRequestHeaders.Host = "flags.example.com";
        }

        return client;
    }

    public async ValueTask DisposeAsync() => await App.DisposeAsync();
}

public sealed partial class SignInHardeningTests(ProxiedAppFixture fixture) : IClassFixture<ProxiedAppFixture>
{
    private const string Email = AppWithAdminFixture.Email;
    private const string Password = AppWithAdminFixture.Password;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARefusedSignInDoesNotSendTheTypedPasswordBack()
    {
        using var client = fixture.ClientFrom("10.0.1.1");
        const string typed = "typed-secret-8f3a1c";

        var wrong = await DashboardSession.PostSignInAsync(client, Email, typed, Cancel);
        var invalid = await DashboardSession.PostSignInAsync(client, "not an address", typed, Cancel);

        var wrongPage = await wrong.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("do not match", wrongPage);
        Assert.DoesNotContain(typed, wrongPage);
        var invalidPage = await invalid.Content.ReadAsStringAsync(Cancel);
        Assert.Contains("Enter a valid e-mail address.", invalidPage);
        Assert.DoesNotContain(typed, invalidPage);
    }

    [Fact]
    public async Task SignInAttemptsAreThrottledPerClientAddressSoOthersCanStillSignIn()
    {
        using var guesser = fixture.ClientFrom("10.0.2.1");
        for (var attempt = 0; attempt < ProxiedAppFixture.AttemptsPerMinute; attempt++)
        {
            Assert.Equal(HttpStatusCode.OK, (await DashboardSession.PostSignInAsync(guesser, Email, $"guess-{attempt}-wrong", Cancel)).StatusCode);
        }

        var throttled = await DashboardSession.PostSignInAsync(guesser, Email, Password, Cancel);
        using var owner = fixture.ClientFrom("10.0.2.2");
        var signedIn = await DashboardSession.PostSignInAsync(owner, Email, Password, Cancel);

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
    }

    [Fact]
    public async Task AnUnknownAccountCostsAPasswordHashAsAKnownOneDoes()
    {
        await using var database = await TestDatabase.CreateAsync();
        var hasher = new CountingPasswordHasher();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddHttpContextAccessor();
        services.AddAuthentication();
        services.AddScoped(_ => database.CreateDbContext());
        services.AddIdentityCore<DashboardUser>(HostingExtensions.ConfigureIdentity)
            .AddEntityFrameworkStores<FlagDashboardDbContext>()
            .AddSignInManager();
        services.AddSingleton<IPasswordHasher<DashboardUser>>(hasher);
        services.AddScoped<PasswordSignIn>();
        await using var provider = services.BuildServiceProvider();
        await using var scope = provider.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();
        Assert.True((await users.CreateAsync(new DashboardUser { UserName = Email, Email = Email }, Password)).Succeeded);
        var signIn = scope.ServiceProvider.GetRequiredService<PasswordSignIn>();

        hasher.Verifications = 0;
        Assert.False((await signIn.SignInAsync(Email, "a-wrong-password", remember: false)).Succeeded);
        var known = hasher.Verifications;
        hasher.Verifications = 0;
        Assert.False((await signIn.SignInAsync("nobody@example.com", "a-wrong-password", remember: false)).Succeeded);
        var unknown = hasher.Verifications;

        Assert.Equal(1, known);
        Assert.Equal(known, unknown);
    }

    [Fact]
    public async Task BehindTheProxyWithTlsTheCookieIsSecureRedirectsUseHttpsAndTheHeadersAreSent()
    {
        using var client = fixture.ClientFrom("10.0.3.1", https: true);

        var redirect = await client.GetAsync("features", Cancel);
        var signIn = await DashboardSession.PostSignInAsync(client, Email, Password, Cancel);
        var page = await client.GetAsync("account/login", Cancel);

        Assert.StartsWith("https://flags.example.com/account/login", redirect.Headers.Location!.ToString(), StringComparison.Ordinal);
        var cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(DashboardSession.CookieName + "=", StringComparison.Ordinal));
        Assert.Contains("secure", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.StartsWith("max-age=", page.Headers.GetValues("Strict-Transport-Security").Single(), StringComparison.Ordinal);
        AssertCommonHeaders(page);
        // The page's one inline script, the import map, carries the nonce the policy names.
        var nonce = Nonce().Match(page.Headers.GetValues("Content-Security-Policy").Single()).Groups[1].Value;
        Assert.Contains($"<script type=\"importmap\" nonce=\"{nonce}\"", await page.Content.ReadAsStringAsync(Cancel));
    }

    [Fact]
    public async Task OverPlainHttpThereIsNoHstsButTheOtherHeadersAreSent()
    {
        using var client = fixture.ClientFrom("10.0.4.1");

        var page = await client.GetAsync("account/login", Cancel);

        Assert.False(page.Headers.Contains("Strict-Transport-Security"));
        AssertCommonHeaders(page);
    }

    private static void AssertCommonHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.StartsWith("script-src 'self' 'nonce-", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [GeneratedRegex("'nonce-([^']+)'")]
    private static partial Regex Nonce();

    private sealed class CountingPasswordHasher : PasswordHasher<DashboardUser>
    {
        public int Verifications { get; set; }

        public override PasswordVerificationResult VerifyHashedPassword(DashboardUser user, string hashedPassword, string providedPassword)
        {
            Verifications++;
            return base.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
