using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Sdk;

/// <summary>
/// Asks the database a few times a second which environments changed, so the SDK answers in memory follow
/// changes made by this process, the command line or another instance, within a second.
/// </summary>
internal sealed class EnvironmentChangePoller(SdkEnvironmentStore store, ILogger<EnvironmentChangePoller> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.RefreshAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next tick tries again; SDKs keep the last good answers meanwhile.
                logger.LogWarning(exception, "Checking environments for changes failed");
            }
        }
    }
}
