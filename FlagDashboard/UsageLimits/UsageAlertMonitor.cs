using FlagDashboard.Core.Usage.Limits;
using Microsoft.Extensions.Options;

namespace FlagDashboard.UsageLimits;

/// <summary>
/// Checks allowances on a timer. Every instance runs it; the alert's unique row lets one of them record and
/// send each threshold, so several instances (or a restart) never send one twice.
/// </summary>
internal sealed class UsageAlertMonitor(UsageAlertChecker checker, UsageAlertEmail email, IOptions<UsageAlertOptions> options, ILogger<UsageAlertMonitor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CheckInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                foreach (var reached in await checker.CheckAsync(stoppingToken))
                {
                    logger.LogInformation("Organisation {OrganisationId} reached {Threshold} % of its API-call allowance ({Total} of {Allowance}).", reached.OrganisationId, reached.Threshold, reached.Total, reached.Allowance);
                    await email.SendAsync(reached, stoppingToken);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Could not check usage allowances; trying again.");
            }
        }
    }
}
