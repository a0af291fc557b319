using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.InfluxDb;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlagDashboard.Usage;

/// <summary>
/// InfluxDB's downsampling tasks as the last reconcile saw them: degraded (not unhealthy: SDK traffic is
/// served, only charts lag) when a task is missing or its last run failed. Each task is an entry of the data.
/// </summary>
internal sealed class UsageTasksHealthCheck(IUsageStore store) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (store is not InfluxUsageStore influx)
        {
            return Task.FromResult(HealthCheckResult.Healthy("The embedded usage store rolls its windows up itself."));
        }

        var tasks = influx.TaskHealth;
        var data = tasks.ToDictionary(
            t => t.Task,
            t => (object)$"last run {t.LastRun}{(t.LastRunScheduledFor is { } at ? $" ({at:yyyy-MM-dd'T'HH:mm:ss'Z'})" : "")}, {t.FailedRunsReconciled} failed runs recomputed");
        var unhealthy = tasks.Where(t => !t.Healthy).Select(t => t.Task).ToList();
        return Task.FromResult(tasks.Count == 0
            ? HealthCheckResult.Healthy("The downsampling tasks have not been checked yet.")
            : unhealthy.Count == 0
                ? HealthCheckResult.Healthy("Every downsampling task's last run succeeded.", data)
                : HealthCheckResult.Degraded($"Downsampling tasks missing or failing: {string.Join(", ", unhealthy)}.", data: data));
    }
}
