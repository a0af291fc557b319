namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>
/// The three downsampling tasks (raw to 1 m, 1 m to 15 m, 15 m to 1 h) and the Flux each one runs.
/// </summary>
/// <remarks>
/// Why the sums are exact: each run recomputes whole windows from everything the source bucket holds for
/// them, and <c>to()</c> overwrites the window's point (same series, same time) with that fresh total. A
/// run never adds to what an earlier run wrote, so re-reading a window any number of times gives the same,
/// exact sum. That only holds if a run never writes a window it saw only part of: the range must start on
/// a window boundary. In a task, <c>now()</c> is the run's scheduled time (an <c>offset</c> delays the run,
/// not its range), which InfluxDB aligns to <c>every</c>, so <c>range(start: -(window + reread))</c> starts
/// on a boundary as long as the re-read is a whole number of windows.
/// The <c>instance</c> tag lives in the raw bucket only: each task windows first (<c>aggregateWindow</c>,
/// pushed down to storage), then regroups by every column but the instance and sums, so two instances'
/// counts add up into one series per window, and a new instance name (a new pod) adds no series downstream.
/// When: the 1 m task runs <see cref="InfluxUsageOptions.TaskOffset"/> after its minute, past the app's last
/// flush of it, and re-reads <see cref="InfluxUsageOptions.LatePointTolerance"/> (one minute by default);
/// points later than that are rolled up by the app when it writes them. The 15 m task runs after the last 1 m
/// run that re-reads its final minute, and the 1 h task after the 15 m one, so neither needs to re-read.
/// </remarks>
internal static class InfluxDownsampling
{
    internal sealed record Tier(
        string Name,
        string SourceSuffix,
        string TargetSuffix,
        TimeSpan Every,
        TimeSpan Reread,
        TimeSpan Offset,
        string SourceRetentionSetting,
        TimeSpan SourceRetention)
    {
        /// <summary>How far back each run reads: its own window plus the re-read.</summary>
        public TimeSpan Lookback => Every + Reread;
    }

    public static IReadOnlyList<Tier> Tiers(InfluxUsageOptions options)
    {
        var minute = TimeSpan.FromMinutes(1);
        var reread = TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling((double)options.LatePointTolerance.Ticks / minute.Ticks)) * minute.Ticks);
        var quarterOffset = options.TaskOffset + reread + options.TaskOffset;
        var hourOffset = quarterOffset + options.TaskOffset;
        return
        [
            new Tier($"{options.BucketPrefix}_raw_to_1m", "raw", "1m", minute, reread, options.TaskOffset, nameof(options.RawRetention), options.RawRetention),
            new Tier($"{options.BucketPrefix}_1m_to_15m", "1m", "15m", TimeSpan.FromMinutes(15), TimeSpan.Zero, quarterOffset, nameof(options.OneMinuteRetention), options.OneMinuteRetention),
            new Tier($"{options.BucketPrefix}_15m_to_1h", "15m", "1h", TimeSpan.FromHours(1), TimeSpan.Zero, hourOffset, nameof(options.FifteenMinutesRetention), options.FifteenMinutesRetention),
        ];
    }

    public static string TaskFlux(InfluxUsageOptions options, Tier tier) => $"""
        option task = {"{"}name: {InfluxFlux.String(tier.Name)}, every: {InfluxFlux.Duration(tier.Every)}, offset: {InfluxFlux.Duration(tier.Offset)}{"}"}

        from(bucket: {InfluxFlux.String(options.BucketName(tier.SourceSuffix))})
            |> range(start: -{InfluxFlux.Duration(tier.Lookback)})
        {Pipeline(options, tier)}
        """;

    /// <summary>
    /// The task's pipeline for the windows of its target from <paramref name="from"/> to <paramref name="to"/>
    /// (both on window boundaries), in one query: run for windows that points arrived too late for any
    /// scheduled run to re-read, and for windows of a failed run. Like a run, it recomputes whole windows and
    /// overwrites their points, so running it again changes nothing.
    /// </summary>
    public static string BackfillFlux(InfluxUsageOptions options, Tier tier, DateTimeOffset from, DateTimeOffset to) => $"""
        from(bucket: {InfluxFlux.String(options.BucketName(tier.SourceSuffix))})
            |> range(start: {InfluxFlux.Time(from)}, stop: {InfluxFlux.Time(to)})
        {Pipeline(options, tier)}
        """;

    private static string Pipeline(InfluxUsageOptions options, Tier tier) => $"""
            |> filter(fn: (r) => (r._measurement == "{InfluxFlux.ApiCalls}" or r._measurement == "{InfluxFlux.FlagEvaluations}") and r._field == "{InfluxFlux.CountField}")
            |> aggregateWindow(every: {InfluxFlux.Duration(tier.Every)}, fn: sum, createEmpty: false, timeSrc: "_start")
            |> group(columns: ["instance", "_value"], mode: "except")
            |> sum()
            |> to(bucket: {InfluxFlux.String(options.BucketName(tier.TargetSuffix))})

        """;
}
