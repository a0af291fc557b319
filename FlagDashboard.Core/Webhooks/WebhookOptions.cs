using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Core.Webhooks;

public sealed class WebhookOptions
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// Lets webhooks reach loopback, private, link-local and unique-local addresses. Off by default, so
    /// that a webhook cannot be used to probe the network the server sits in.
    /// </summary>
    public bool AllowPrivateAddresses { get; set; }

    /// <summary>Attempts before a delivery is given up and marked failed.</summary>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>The wait before the first retry; each later retry waits twice as long as the one before.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>How long delivered and given-up deliveries stay listed before they are deleted.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan KeepDeliveriesFor { get; set; } = TimeSpan.FromDays(7);

    /// <summary>The wait before attempt number <paramref name="attempts"/> + 1, doubling each time, at most an hour.</summary>
    public TimeSpan RetryDelay(int attempts) =>
        TimeSpan.FromTicks((long)Math.Min(FirstRetryDelay.Ticks * Math.Pow(2, Math.Max(0, attempts - 1)), TimeSpan.FromHours(1).Ticks));
}
