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

    public UsageWindowOptions Windows { get; set; } = new();

    public UsageRetentionOptions Retention { get; set; } = new();
}

/// <summary>The longest range each window serves; longer ranges read the next coarser window.</summary>
public sealed class UsageWindowOptions
{
    public TimeSpan OneMinuteUpTo { get; set; } = TimeSpan.FromHours(6);

    public TimeSpan FifteenMinutesUpTo { get; set; } = TimeSpan.FromDays(7);

    public UsageWindow Choose(TimeSpan range) =>
        range <= OneMinuteUpTo ? UsageWindow.OneMinute
        : range <= FifteenMinutesUpTo ? UsageWindow.FifteenMinutes
        : UsageWindow.OneHour;

    /// <summary>
    /// The window for a range ending now or in the past: the one its length calls for, unless that window's
    /// counts from <paramref name="from"/> are already gone (a short zoom into last month), then the finest that still holds them.
    /// </summary>
    public UsageWindow Choose(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, Func<UsageWindow, TimeSpan> retention) =>
        UsageWindows.All.Where(window => window >= Choose(to - from))
            .FirstOrDefault(window => from >= now - retention(window), UsageWindow.OneHour);
}

/// <summary>How long each window's counts are kept.</summary>
public sealed class UsageRetentionOptions
{
    public TimeSpan OneMinute { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan FifteenMinutes { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan OneHour { get; set; } = TimeSpan.FromDays(730);

    public TimeSpan For(UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => OneMinute,
        UsageWindow.FifteenMinutes => FifteenMinutes,
        _ => OneHour,
    };
}

public static class UsageWindows
{
    public static IReadOnlyList<UsageWindow> All { get; } = [UsageWindow.OneMinute, UsageWindow.FifteenMinutes, UsageWindow.OneHour];

    public static TimeSpan Length(this UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => TimeSpan.FromMinutes(1),
        UsageWindow.FifteenMinutes => TimeSpan.FromMinutes(15),
        _ => TimeSpan.FromHours(1),
    };

    public static string Label(this UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => "1m",
        UsageWindow.FifteenMinutes => "15m",
        _ => "1h",
    };

    /// <summary>The start of the window holding <paramref name="time"/>.</summary>
    public static DateTimeOffset Floor(this UsageWindow window, DateTimeOffset time)
    {
        var ticks = time.UtcTicks;
        return new DateTimeOffset(ticks - (ticks % window.Length().Ticks), TimeSpan.Zero);
    }

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
