using System.ComponentModel.DataAnnotations;
using FlagDashboard.Core.ChangeRequests;
using Microsoft.Extensions.Options;

namespace FlagDashboard.ChangeRequests;

public sealed class ScheduledChangeOptions
{
    public const string SectionName = "ScheduledChanges";

    /// <summary>How often due schedules are looked for: a scheduled change goes live at most this long after its time.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);
}

/// <summary>Commits due scheduled changes on every instance's timer; <see cref="ScheduledChanges"/> makes sure each is committed once.</summary>
internal sealed class ScheduledChangeRunner(ScheduledChanges schedules, IOptions<ScheduledChangeOptions> options, ILogger<ScheduledChangeRunner> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                var run = await schedules.RunDueAsync(stoppingToken);
                foreach (var id in run.Conflicts)
                {
                    logger.LogWarning("Scheduled change request {Id} was not applied: its feature changed after it was scheduled.", id);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Committing due scheduled changes failed; trying again.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
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
