namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>
/// The three downsampling tasks (raw to 1 m, 1 m to 15 m, 15 m to 1 h) and the Flux each one runs.
/// </summary>
/// <remarks>
/// Why the sums are exact: each run recomputes whole windows from everything the source bucket holds for
/// them, and <c>to()</c> overwrites the window's point (same series, same time) with that fresh total. A
/// run never adds to what an earlier run wrote, so re-reading a window any number of times gives the same,
/// exact sum, and a late point is picked up by the next run whose range still covers its window.
/// That only holds if a run never writes a window it saw only part of: the range must start on a window
/// boundary. In a task, <c>now()</c> is the run's scheduled time, which InfluxDB aligns to <c>every</c>,
/// so <c>range(start: -(window + reread))</c> starts on a boundary as long as the re-read is a whole
/// number of windows, which <see cref="Tiers"/> guarantees. The windows keep every tag, the instance
/// included: a window's point per instance is the exact sum of that instance's raw points, and queries sum
/// across instances.
/// How far back: raw points may arrive <see cref="InfluxUsageOptions.LatePointTolerance"/> late, so the
/// 1 m task re-reads that much (rounded up to whole minutes). A 1 m window is final after the last run
/// covering it; the 15 m task must run strictly after that, so it re-reads the next whole number of
/// quarters past the 1 m re-read (strictly: tasks scheduled at the same instant run in no set order), and
/// the 1 h task likewise past the 15 m one. With the default 5 minutes: -6m, -30m, -2h.
/// </remarks>
internal static class InfluxDownsampling
{
    internal sealed record Tier(
        string Name,
        string SourceSuffix,
        string TargetSuffix,
        TimeSpan Every,
        TimeSpan Reread,
        string SourceRetentionSetting,
        TimeSpan SourceRetention)
    {
        /// <summary>How far back each run reads: its own window plus the re-read.</summary>
        public TimeSpan Lookback => Every + Reread;
    }

    public static IReadOnlyList<Tier> Tiers(InfluxUsageOptions options)
    {
        var minute = TimeSpan.FromMinutes(1);
        var quarter = TimeSpan.FromMinutes(15);
        var hour = TimeSpan.FromHours(1);
        var rereadMinute = TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling((double)options.LatePointTolerance.Ticks / minute.Ticks)) * minute.Ticks);
        var rereadQuarter = NextWholeAfter(rereadMinute, quarter);
        var rereadHour = NextWholeAfter(rereadQuarter, hour);
        return
        [
            new Tier($"{options.BucketPrefix}_raw_to_1m", "raw", "1m", minute, rereadMinute, nameof(options.RawRetention), options.RawRetention),
            new Tier($"{options.BucketPrefix}_1m_to_15m", "1m", "15m", quarter, rereadQuarter, nameof(options.OneMinuteRetention), options.OneMinuteRetention),
            new Tier($"{options.BucketPrefix}_15m_to_1h", "15m", "1h", hour, rereadHour, nameof(options.FifteenMinutesRetention), options.FifteenMinutesRetention),
        ];
    }

    public static string TaskFlux(InfluxUsageOptions options, Tier tier) => $"""
        option task = {"{"}name: {InfluxFlux.String(tier.Name)}, every: {InfluxFlux.Duration(tier.Every)}{"}"}

        from(bucket: {InfluxFlux.String(options.BucketName(tier.SourceSuffix))})
            |> range(start: -{InfluxFlux.Duration(tier.Lookback)})
            |> filter(fn: (r) => (r._measurement == "{InfluxFlux.ApiCalls}" or r._measurement == "{InfluxFlux.FlagEvaluations}") and r._field == "{InfluxFlux.CountField}")
            |> aggregateWindow(every: {InfluxFlux.Duration(tier.Every)}, fn: sum, createEmpty: false, timeSrc: "_start")
            |> to(bucket: {InfluxFlux.String(options.BucketName(tier.TargetSuffix))})

        """;

    /// <summary>
    /// The task's pipeline for one window of its target, from <paramref name="windowStart"/> to the next
    /// window: run for windows that points arrived too late for any scheduled run to re-read. Like a run,
    /// it recomputes the whole window and overwrites its point, so running it again changes nothing.
    /// </summary>
    public static string BackfillFlux(InfluxUsageOptions options, Tier tier, DateTimeOffset windowStart) => $"""
        from(bucket: {InfluxFlux.String(options.BucketName(tier.SourceSuffix))})
            |> range(start: {InfluxFlux.Time(windowStart)}, stop: {InfluxFlux.Time(windowStart + tier.Every)})
            |> filter(fn: (r) => (r._measurement == "{InfluxFlux.ApiCalls}" or r._measurement == "{InfluxFlux.FlagEvaluations}") and r._field == "{InfluxFlux.CountField}")
            |> aggregateWindow(every: {InfluxFlux.Duration(tier.Every)}, fn: sum, createEmpty: false, timeSrc: "_start")
            |> to(bucket: {InfluxFlux.String(options.BucketName(tier.TargetSuffix))})

        """;

    private static TimeSpan NextWholeAfter(TimeSpan after, TimeSpan unit) => TimeSpan.FromTicks((after.Ticks / unit.Ticks + 1) * unit.Ticks);
}
