using FlagDashboard.Core.Engine;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlagDashboard.Health;

/// <summary>
/// The engine's counters in the health detail. REGEX timeouts do not make the app unready (each one is
/// logged with its segment and condition); they are shown so that an operator sees them without a metrics stack.
/// </summary>
internal sealed class EngineHealthCheck : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var timeouts = EngineMetrics.RegexTimeouts;
        var data = new Dictionary<string, object> { ["regex_timeouts"] = timeouts };
        var description = timeouts == 0
            ? "No REGEX condition has run past its limit."
            : $"{timeouts} REGEX condition match(es) ran past the backtracking limit and answered no match; the log names each segment and condition.";
        return Task.FromResult(HealthCheckResult.Healthy(description, data));
    }
}
