using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlagDashboard.Health;

/// <summary>
/// Part of /health, which a readiness probe or a balancer reads: unhealthy from the moment the app is asked to stop,
/// so that nothing sends new work to an instance that is finishing its requests and its last usage flush. While the
/// database migrates at start the app does not listen yet, which a probe reads as not ready too.
/// </summary>
internal sealed class ShutdownHealthCheck(IHostApplicationLifetime lifetime) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(lifetime.ApplicationStopping.IsCancellationRequested
            ? HealthCheckResult.Unhealthy("The app is shutting down.")
            : HealthCheckResult.Healthy());
}
