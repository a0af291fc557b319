using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Core.Usage.InfluxDb;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Usage;

/// <summary>
/// Flushes usage counts to the store every <see cref="UsageOptions.FlushInterval"/>, rolls the embedded
/// store's closed windows up after each flush and prunes it by its retention every hour, reconciles
/// InfluxDB's downsampling tasks at start and every 5 minutes, and flushes once more when the app stops.
/// </summary>
internal sealed class UsageFlusher(UsageFlushing flushing, IUsageStore store, IOptions<UsageOptions> options, TimeProvider clock, ILogger<UsageFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);
    private static readonly TimeSpan ReconcileInterval = TimeSpan.FromMinutes(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval, clock);
        var nextPrune = clock.GetUtcNow();
        var nextReconcile = clock.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await flushing.FlushAsync(final: false, stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    // Whatever went wrong, the loop goes on: a background failure must not stop the app.
                    logger.LogError(exception, "Flushing usage counts failed");
                }

                if (store is InfluxUsageStore influx && clock.GetUtcNow() >= nextReconcile)
                {
                    nextReconcile = clock.GetUtcNow() + ReconcileInterval;
                    await ReconcileAsync(influx, stoppingToken);
                }

                if (store is EmbeddedUsageStore embedded)
                {
                    // A write rolls up what it finds due; with no traffic, windows still close.
                    await RollUpAsync(embedded, stoppingToken);
                    if (clock.GetUtcNow() >= nextPrune)
                    {
                        nextPrune = clock.GetUtcNow() + PruneInterval;
                        await PruneAsync(embedded, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: StopAsync flushes what is left.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            if (!await flushing.FlushAsync(final: true, cancellationToken))
            {
                logger.LogError("{PendingCount} usage counts could not be written or spilled before shutdown", flushing.PendingCount);
            }
        }
        catch (OperationCanceledException)
        {
            logger.LogError("The shutdown timeout ended the last usage flush; {PendingCount} counts were not written", flushing.PendingCount);
        }
    }

    private async Task ReconcileAsync(InfluxUsageStore influx, CancellationToken cancellationToken)
    {
        try
        {
            await influx.ReconcileAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Checking the InfluxDB downsampling tasks failed; trying again in {Interval}", ReconcileInterval);
        }
    }

    private async Task RollUpAsync(EmbeddedUsageStore embedded, CancellationToken cancellationToken)
    {
        try
        {
            await embedded.RollUpAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Rolling usage windows up failed; the next flush tries again");
        }
    }

    private async Task PruneAsync(EmbeddedUsageStore embedded, CancellationToken cancellationToken)
    {
        try
        {
            var deleted = await embedded.PruneAsync(cancellationToken);
            if (deleted > 0)
            {
                logger.LogInformation("Pruned {Deleted} usage rows past their retention", deleted);
            }
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            logger.LogWarning(exception, "Pruning usage rows failed; the next hour tries again");
        }
    }
}
