using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Usage;

/// <summary>
/// Flushes usage counts to the store every <see cref="UsageOptions.FlushInterval"/>, prunes the embedded
/// store by its retention every hour, and flushes once more when the app stops.
/// </summary>
internal sealed class UsageFlusher(UsageFlushing flushing, IUsageStore store, IOptions<UsageOptions> options, ILogger<UsageFlusher> logger) : BackgroundService
{
    private static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await store.InitializeAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // Counts wait in memory (and spill past the bound) until the store answers.
            logger.LogError(exception, "Setting up the usage store failed; writes will be retried");
        }

        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.FlushInterval);
        var nextPrune = DateTimeOffset.UtcNow;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await flushing.FlushAsync(final: false, stoppingToken);
                if (store is EmbeddedUsageStore embedded && DateTimeOffset.UtcNow >= nextPrune)
                {
                    nextPrune = DateTimeOffset.UtcNow + PruneInterval;
                    await PruneAsync(embedded, stoppingToken);
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
        if (!await flushing.FlushAsync(final: true, cancellationToken))
        {
            logger.LogError("{PendingCount} usage counts could not be written before shutdown", flushing.PendingCount);
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
