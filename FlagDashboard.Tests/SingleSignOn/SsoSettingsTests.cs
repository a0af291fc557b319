using System.Security.Claims;
using FlagDashboard.SingleSignOn;

namespace FlagDashboard.Tests.SingleSignOn;

/// <summary>The Sso settings: checked at start, and the sign-in page's button only when they are there.</summary>
public sealed class SsoSettingsTests
{
    // Without a first admin every page leads to set-up.
    private static readonly Dictionary<string, string> Admin = new()
    {
        ["Admin__Email"] = "ops@example.com",
        ["Admin__Password"] = "from-the-environment",
    };

    private static readonly Dictionary<string, string> Configured = new(Admin)
    {
        // Never asked before a person presses the button: these tests need no provider.
        ["Sso__Authority"] = "https://login.example.invalid/realms/main",
        ["Sso__ClientId"] = "flagdashboard",
        ["Sso__ClientSecret"] = "a-secret",
        ["Sso__DisplayName"] = "Example Login",
    };

    [Fact]
    public async Task TheSignInPageShowsTheButtonOnlyWhenSsoIsConfigured()
    {
        var cancel = TestContext.Current.CancellationToken;
        await using (var plain = await AppProcess.StartAsync(Admin))
        {
            using var client = plain.CreateClient();
            var page = await client.GetStringAsync("account/login", cancel);
            Assert.Contains("data-testid=\"login-submit\"", page, StringComparison.Ordinal);
            Assert.DoesNotContain("data-testid=\"login-sso\"", page, StringComparison.Ordinal);
            Assert.DoesNotContain("Sign in with", page, StringComparison.Ordinal);
        }

        await using var configured = await AppProcess.StartAsync(Configured);
        using var configuredClient = configured.CreateClient();
        var withSso = await configuredClient.GetStringAsync("account/login?ReturnUrl=%2Ffeatures", cancel);
        Assert.Contains("data-testid=\"login-sso\"", withSso, StringComparison.Ordinal);
        Assert.Contains("Sign in with Example Login", withSso, StringComparison.Ordinal);
        Assert.Contains("href=\"/account/sso?returnUrl=%2Ffeatures\"", withSso, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnAuthorityWithoutAClientStopsTheAppWithAMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Sso__Authority"] = "https://login.example.invalid/realms/main",
        }));

        Assert.Contains("Sso:ClientId is required when Sso:Authority is set", error.Message);
        Assert.Contains("Sso:ClientSecret is required", error.Message);
    }

    [Fact]
    public void APlainHttpAuthorityIsRefusedUnlessAskedFor()
    {
        var options = Valid();
        options.Authority = "http://127.0.0.1:8080";

        var refused = new SsoOptionsValidator().Validate(null, options);
        options.RequireHttpsMetadata = false;
        var allowed = new SsoOptionsValidator().Validate(null, options);

        Assert.True(refused.Failed);
        Assert.Contains("Sso:RequireHttpsMetadata", refused.FailureMessage);
        Assert.True(allowed.Succeeded, allowed.FailureMessage);
    }

    [Theory]
    [InlineData("openid profile", "must include openid and email")]
    [InlineData("profile email", "must include openid and email")]
    public void ScopesWithoutOpenIdAndEmailAreRefused(string scopes, string message)
    {
        var options = Valid();
        options.Scopes = scopes;

        var result = new SsoOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void ADefaultOrganisationWithoutAnAuthorityIsRefused()
    {
        var result = new SsoOptionsValidator().Validate(null, new SsoOptions { DefaultOrganisation = "Acme" });

        Assert.True(result.Failed);
        Assert.Contains("Sso:Authority is required", result.FailureMessage);
    }

    [Fact]
    public void NoSettingsAndCompleteSettingsAreBothAccepted()
    {
        Assert.True(new SsoOptionsValidator().Validate(null, new SsoOptions()).Succeeded);
        var valid = new SsoOptionsValidator().Validate(null, Valid());
        Assert.True(valid.Succeeded, valid.FailureMessage);
    }

    [Theory]
    [InlineData("unverified", "has not verified your e-mail address")]
    [InlineData("noaccount", "There is no FlagDashboard account")]
    [InlineData("noemail", "did not share your e-mail address")]
    [InlineData("failed", "did not complete")]
    public void EachRefusalHasItsOwnMessage(string outcome, string message) =>
        Assert.Contains(message, SsoEndpoints.Message(outcome, "Example Login"));

    [Theory]
    [InlineData(null)]
    [InlineData("signedin")]
    [InlineData("<script>")]
    public void NoMessageForNoOutcomeOrAnUnknownOne(string? outcome) =>
        Assert.Null(SsoEndpoints.Message(outcome, "Example Login"));

    [Theory]
    [InlineData(new[] { "true" }, true)]
    [InlineData(new[] { "True" }, true)]
    [InlineData(new[] { "true", "true" }, true)]
    [InlineData(new string[0], false)]
    [InlineData(new[] { "false" }, false)]
    [InlineData(new[] { "yes" }, false)]
    [InlineData(new[] { "true", "false" }, false)]
    public void OnlyAnEmailTheProviderVerifiedCounts(string[] claims, bool verified)
    {
        var identity = new ClaimsIdentity([new Claim("sub", "someone"), new Claim("email", "someone@example.test"), .. claims.Select(c => new Claim("email_verified", c))], "oidc");

        Assert.Equal(verified, SsoSignIn.HasVerifiedEmail(new ClaimsPrincipal(identity)));
    }

    private static SsoOptions Valid() => new()
    {
        Authority = "https://login.example.com/realms/main",
        ClientId = "flagdashboard",
        ClientSecret = "a-secret",
        DisplayName = "Example Login",
    };
}
