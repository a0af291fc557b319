using System.Net;
using FlagDashboard.Health;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlagDashboard.Tests.Health;

/// <summary>What Kubernetes' probes read: /health for readiness, /health/live for liveness.</summary>
public sealed class HealthEndpointsTests(AppWithAdminFixture fixture) : IClassFixture<AppWithAdminFixture>
{
    [Theory]
    [InlineData("health")]
    [InlineData("health/live")]
    public async Task A_running_app_answers_its_probes_without_sign_in(string path)
    {
        using var client = fixture.App.CreateClient();

        var response = await client.GetAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Readiness_turns_unhealthy_once_the_app_is_asked_to_stop()
    {
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        var check = new ShutdownHealthCheck(lifetime);
        var context = new HealthCheckContext { Registration = new HealthCheckRegistration("shutdown", check, null, null) };
        Assert.Equal(HealthStatus.Healthy, (await check.CheckHealthAsync(context, TestContext.Current.CancellationToken)).Status);

        lifetime.StopApplication();

        var result = await check.CheckHealthAsync(context, TestContext.Current.CancellationToken);
        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("The app is shutting down.", result.Description);
    }
}
