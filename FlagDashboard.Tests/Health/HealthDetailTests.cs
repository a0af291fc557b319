using System.Net;
using System.Text.Json;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Health;

public sealed class HealthDetailTests(AppWithAdminFixture fixture) : IClassFixture<AppWithAdminFixture>
{
    [Fact]
    public async Task TheHealthDetailShowsEveryCheckAndTheEnginesRegexTimeoutCount()
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync("health/detail", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("database").GetProperty("status").GetString());
        Assert.Equal(0, checks.GetProperty("engine").GetProperty("data").GetProperty("regex_timeouts").GetInt64());
    }
}
