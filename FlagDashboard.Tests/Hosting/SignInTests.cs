using System.Net;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Hosting;

public sealed class SignInTests : IAsyncLifetime
{
    private AppProcess _app = null!;

    public async ValueTask InitializeAsync() => _app = await AppProcess.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task WithNoUserEveryPageLeadsToSetUp()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync("features", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/setup", response.Headers.Location?.OriginalString);
    }

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
        await CreateAdminAsync();
        using var client = _app.CreateClient();

        var response = await client.GetAsync(page, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = new Uri(_app.BaseAddress, response.Headers.Location!);
        Assert.Equal("/account/login", location.AbsolutePath);
        Assert.Equal($"?ReturnUrl=%2F{page}", location.Query);
    }

    [Fact]
    public async Task TheSetUpPageIsClosedOnceAnAdminExists()
    {
        await CreateAdminAsync();
        using var client = _app.CreateClient();

        var response = await client.GetAsync("setup", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain("Create the first admin", body);
        Assert.DoesNotContain("data-testid=\"setup-submit\"", body);
    }

    [Fact]
    public async Task HealthAndSignInAnswerWithoutSignIn()
    {
        await CreateAdminAsync();
        using var client = _app.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("health", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("account/login", TestContext.Current.CancellationToken)).StatusCode);
    }

    [Fact]
    public async Task AnUnknownApiPathIsAPlain404NotTheHtmlPage()
    {
        await CreateAdminAsync();
        using var client = _app.CreateClient();

        var response = await client.GetAsync("api/v1/nothing-here", TestContext.Current.CancellationToken);

        Assert.NotEqual("text/html", response.Content.Headers.ContentType?.MediaType);
    }

    private async Task CreateAdminAsync()
    {
        var result = await _app.RunVerbAsync("create-admin", "--email", "admin@example.com", "--password", "correct-horse");
        Assert.True(result.ExitCode == 0, result.Error);
    }
}
