using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Core.Usage;

public enum UsageStoreKind
{
    Embedded,
    InfluxDB,
}

public sealed class UsageOptions
{
    public const string SectionName = "Usage";

    /// <summary>Whether SDK calls and evaluations are counted at all.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary><c>Embedded</c> (the app's database, the default) or <c>InfluxDB</c> (then <c>Usage:InfluxDB:*</c> is required).</summary>
    public UsageStoreKind Store { get; set; } = UsageStoreKind.Embedded;

    /// <summary>How often counts move from memory to the store.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "Usage:FlushInterval must be between 100 ms and 1 hour.")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Counts kept in memory while the store is down, before they spill to the app's database.</summary>
    [Range(1_000, 10_000_000)]
    public int MaxPendingCounts { get; set; } = 200_000;

    public UsageRetentionOptions Retention { get; set; } = new();
}

/// <summary>How long each window's counts are kept.</summary>
public sealed class UsageRetentionOptions
{
    public TimeSpan OneMinute { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan FifteenMinutes { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan OneHour { get; set; } = TimeSpan.FromDays(730);

    public TimeSpan OneDay { get; set; } = TimeSpan.FromDays(730);

    public TimeSpan For(UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => OneMinute,
        UsageWindow.FifteenMinutes => FifteenMinutes,
        UsageWindow.OneHour => OneHour,
        _ => OneDay,
    };
}

public static class UsageWindows
{
    public static IReadOnlyList<UsageWindow> All { get; } = [UsageWindow.OneMinute, UsageWindow.FifteenMinutes, UsageWindow.OneHour, UsageWindow.OneDay];

    public static TimeSpan Length(this UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => TimeSpan.FromMinutes(1),
        UsageWindow.FifteenMinutes => TimeSpan.FromMinutes(15),
        UsageWindow.OneHour => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    public static string Label(this UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => "1m",
        UsageWindow.FifteenMinutes => "15m",
        UsageWindow.OneHour => "1h",
        _ => "1d",
    };

    /// <summary>The window counts of this one are rolled up from (none for 1 minute: flushes write it).</summary>
    public static UsageWindow? Source(this UsageWindow window) => window == UsageWindow.OneMinute ? null : window - 1;

    /// <summary>The start of the window holding <paramref name="time"/>.</summary>
    public static DateTimeOffset Floor(this UsageWindow window, DateTimeOffset time) => Floor(window.Length(), time);

    /// <summary>The start of the step of <paramref name="length"/> holding <paramref name="time"/>, steps counted from the Unix epoch (as InfluxDB's windows are).</summary>
    public static DateTimeOffset Floor(TimeSpan length, DateTimeOffset time)
    {
        var ticks = time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks - (((ticks % length.Ticks) + length.Ticks) % length.Ticks));
    }

    /// <summary>A step as the API writes it: <c>5m</c>, <c>4h</c>, <c>2d</c>.</summary>
    public static string StepLabel(TimeSpan step) =>
        step.Ticks % TimeSpan.TicksPerDay == 0 ? FormattableString.Invariant($"{(long)step.TotalDays}d")
        : step.Ticks % TimeSpan.TicksPerHour == 0 ? FormattableString.Invariant($"{(long)step.TotalHours}h")
        : FormattableString.Invariant($"{(long)step.TotalMinutes}m");

    public static string ResourceTag(this SdkResource resource) => resource switch
    {
        SdkResource.Flags => "flags",
        SdkResource.Identities => "identities",
        SdkResource.Traits => "traits",
        SdkResource.EnvironmentDocument => "environment_document",
        SdkResource.Analytics => "analytics",
        _ => "other",
    };

    public static string StatusTag(int statusClass) => $"{statusClass}xx";
}
