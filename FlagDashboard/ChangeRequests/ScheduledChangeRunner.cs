using System.ComponentModel.DataAnnotations;
using FlagDashboard.Core.ChangeRequests;
using Microsoft.Extensions.Options;

namespace FlagDashboard.ChangeRequests;

public sealed class ScheduledChangeOptions
{
    public const string SectionName = "ScheduledChanges";

    /// <summary>How often due schedules are looked for, at the latest (a schedule due sooner is looked for at its time).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>
/// Commits due scheduled changes on every instance; <see cref="ScheduledChanges"/> makes sure each is committed
/// once. It looks every poll interval, and sooner when a schedule falls due before then, so a change goes live
/// at its time rather than up to an interval after it.
/// </summary>
internal sealed class ScheduledChangeRunner(ScheduledChanges schedules, IOptions<ScheduledChangeOptions> options, TimeProvider clock, ILogger<ScheduledChangeRunner> logger) : BackgroundService
{
    // Never a busy loop, even when a schedule is due now and its commit keeps failing.
    private static readonly TimeSpan ShortestWait = TimeSpan.FromMilliseconds(10);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            DateTimeOffset? nextDue = null;
            try
            {
                var run = await schedules.RunDueAsync(stoppingToken);
                nextDue = run.NextDue;
                foreach (var id in run.Conflicts)
                {
                    logger.LogWarning("Scheduled change request {Id} was not applied: its feature changed after it was scheduled.", id);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Committing due scheduled changes failed; trying again.");
            }

            await Task.Delay(WaitBeforeNextPass(nextDue), clock, stoppingToken);
        }
    }

    private TimeSpan WaitBeforeNextPass(DateTimeOffset? nextDue)
    {
        var wait = options.Value.PollInterval;
        if (nextDue is { } due)
        {
            var untilDue = due - clock.GetUtcNow();
            wait = untilDue < wait ? untilDue : wait;
        }

        return wait < ShortestWait ? ShortestWait : wait;
    }
}

internal static class ScheduledChangeServiceCollectionExtensions
{
    public static IServiceCollection AddScheduledChanges(this IServiceCollection services)
    {
        services.AddOptions<ScheduledChangeOptions>().BindConfiguration(ScheduledChangeOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<ScheduledChanges>();
        services.AddHostedService<ScheduledChangeRunner>();
        return services;
    }
}
