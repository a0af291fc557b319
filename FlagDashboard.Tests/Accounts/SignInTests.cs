using System.Net;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Accounts;

public sealed class SignInTests(AppWithAdminFixture fixture) : IClassFixture<AppWithAdminFixture>
{
    private AppProcess App => fixture.App;

    [Theory]
    [InlineData("")]
    [InlineData("projects")]
    [InlineData("environments")]
    [InlineData("features")]
    [InlineData("segments")]
    [InlineData("identities")]
    [InlineData("usage")]
    [InlineData("audit")]
    public async Task AnAnonymousRequestToADashboardPageIsSentToSignIn(string page)
    {
        using var client = App.CreateClient();

        var response = await client.GetAsync(page, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = new Uri(App.BaseAddress, response.Headers.Location!);
        Assert.Equal("/account/login", location.AbsolutePath);
        Assert.Equal($"?ReturnUrl=%2F{page}", location.Query);
    }

    [Fact]
    public async Task TheSetUpPageIsClosedOnceAnAdminExists()
    {
        using var client = App.CreateClient();

        var response = await client.GetAsync("setup", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain("Create the first admin", body);
        Assert.DoesNotContain("data-testid=\"setup-submit\"", body);
    }

    [Fact]
    public async Task HealthAndSignInAnswerWithoutSignIn()
    {
        using var client = App.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("account/login", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownApiPathIsAPlain404NotTheHtmlPage()
    {
        using var client = App.CreateClient();

        var response = await client.GetAsync("api/v1/nothing-here", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Theory]
    [InlineData("api/admin/nothing-here")]
    [InlineData("api/admin/organisation")]
    public async Task AnApiRequestWithoutCredentialsIs401NotASignInRedirect(string path)
    {
        using var client = App.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class FirstStartTests
{
    [Fact]
    public async Task WithNoUserEveryPageLeadsToSetUp()
    {
        await using var app = await AppProcess.StartAsync();
        using var client = app.CreateClient();

        var response = await client.GetAsync("features", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/setup", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task AnAdminFromConfigurationIsCreatedAtStart()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Admin__Email"] = "ops@example.com",
            ["Admin__Password"] = "from-the-environment",
        });
        using var client = app.CreateClient();

        var response = await client.GetAsync("features", TestContext.Current.CancellationToken);

        Assert.Equal("/account/login", new Uri(app.BaseAddress, response.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task AnInfluxDbStoreWithoutItsSettingsStopsTheAppWithAMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Usage__Store"] = "InfluxDB",
        }));

        Assert.Contains("InfluxUsageOptions", error.Message);
        Assert.Contains("Url", error.Message);
    }

    [Fact]
    public async Task AHalfConfiguredAdminStopsTheAppWithAMessage()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Admin__Email"] = "ops@example.com",
        }));

        Assert.Contains("Admin:Email and Admin:Password are set together", error.Message);
    }
}
