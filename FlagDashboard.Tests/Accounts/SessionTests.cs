using System.Net;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Accounts;

public sealed class SessionTests
{
    private const string Email = AppWithAdminFixture.Email;
    private const string Password = AppWithAdminFixture.Password;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // The check is against the security stamp in the database, so every instance sharing it refuses the cookie alike.
    [Fact]
    public async Task SigningOutEndsTheSessionForEveryCopyOfItsCookie()
    {
        await using var app = await AppProcess.StartAsync();
        Assert.Equal(0, (await app.RunVerbAsync("create-admin", "--email", Email, "--password", Password)).ExitCode);
        var cookie = await DashboardSession.SignInAsync(app, Email, Password, Cancel);
        Assert.Equal(HttpStatusCode.OK, await PageStatusAsync(app, cookie));

        var signedOut = await DashboardSession.SignOutAsync(app, cookie, Cancel);

        Assert.Equal(HttpStatusCode.Redirect, signedOut.StatusCode);
        Assert.Equal(HttpStatusCode.Redirect, await PageStatusAsync(app, cookie));
        Assert.Equal(HttpStatusCode.OK, await PageStatusAsync(app, await DashboardSession.SignInAsync(app, Email, Password, Cancel)));
    }

    private static async Task<HttpStatusCode> PageStatusAsync(AppProcess app, string cookie)
    {
        using var client = DashboardSession.Client(app, cookie);
        return (await client.GetAsync("features", Cancel)).StatusCode;
    }
}
