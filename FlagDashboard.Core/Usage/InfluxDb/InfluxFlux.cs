using System.Globalization;
using System.Text;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>
/// Builds the Flux the store sends. Every value that does not come from code (feature names, ids, bucket
/// names from settings) goes in as a string literal through <see cref="String"/>, never spliced raw.
/// Flux parameters (<c>params</c> in the query body) would be neater, but InfluxDB OSS 2 ignores them
/// (only InfluxDB Cloud supports them), and this product is self-hosted.
/// </summary>
internal static class InfluxFlux
{
    public const string ApiCalls = "api_calls";
    public const string FlagEvaluations = "flag_evaluations";
    public const string CountField = "count";

    /// <summary>A Flux string literal holding exactly <paramref name="value"/>: quotes, backslashes and <c>${</c> (interpolation) escaped.</summary>
    public static string String(string value)
    {
        var literal = new StringBuilder(value.Length + 2).Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': literal.Append("\\\""); break;
                case '\\': literal.Append("\\\\"); break;
                case '\n': literal.Append("\\n"); break;
                case '\r': literal.Append("\\r"); break;
                case '\t': literal.Append("\\t"); break;
                case '$' when i + 1 < value.Length && value[i + 1] == '{': literal.Append("\\$"); break;
                default: literal.Append(c); break;
            }
        }

        return literal.Append('"').ToString();
    }

    /// <summary>A Flux duration literal: <c>2h</c>, <c>30m</c>, <c>90s</c>.</summary>
    public static string Duration(TimeSpan duration) =>
        duration.Ticks % TimeSpan.TicksPerHour == 0 ? FormattableString.Invariant($"{(long)duration.TotalHours}h")
        : duration.Ticks % TimeSpan.TicksPerMinute == 0 ? FormattableString.Invariant($"{(long)duration.TotalMinutes}m")
        : FormattableString.Invariant($"{(long)Math.Ceiling(duration.TotalSeconds)}s");

    /// <summary>A Flux time literal (RFC 3339, UTC).</summary>
    public static string Time(DateTimeOffset time) =>
        time.UtcDateTime.ToString(time.Ticks % TimeSpan.TicksPerSecond == 0 ? "yyyy-MM-dd'T'HH:mm:ss'Z'" : "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The tag a grouping splits by, or null for one line in all.</summary>
    public static string? GroupTag(UsageMetric metric, UsageGrouping grouping) => (metric, grouping) switch
    {
        (_, UsageGrouping.None) => null,
        (_, UsageGrouping.Environment) => "environment",
        (_, UsageGrouping.Project) => "project",
        (UsageMetric.ApiCalls, UsageGrouping.Resource) => "resource",
        (UsageMetric.ApiCalls, UsageGrouping.Status) => "status",
        (UsageMetric.FlagEvaluations, UsageGrouping.Feature) => "feature",
        _ => throw new ArgumentException($"{metric} cannot be grouped by {grouping}.", nameof(grouping)),
    };

    /// <summary>The bucket a window is read from: the 1-day window is the 1-hour bucket summed by the query.</summary>
    public static string Bucket(InfluxUsageOptions options, UsageWindow window) =>
        options.BucketName(window == UsageWindow.OneDay ? UsageWindow.OneHour.Label() : window.Label());

    /// <summary>
    /// The chart query: the window's bucket, the range and the tag filters, then <c>aggregateWindow</c> by the
    /// step right after the filter (InfluxDB pushes that down to storage, one sum per series and step), and
    /// only then the grouping: the per-series sums of one step and group are added up. <c>timeSrc: "_start"</c>
    /// stamps each point with its step's start (the default is the stop). Steps without counts are left out
    /// and read as 0. From <paramref name="liveFrom"/> on, where the window's task has not run yet, the raw
    /// bucket is read instead, so the chart is live.
    /// </summary>
    public static string Query(InfluxUsageOptions options, UsageQuery query, DateTimeOffset? liveFrom = null)
    {
        var groupTag = GroupTag(query.Metric, query.Grouping);
        var columns = groupTag is null ? "[\"_time\"]" : $"[\"_time\", {String(groupTag)}]";
        var regroup = groupTag is null ? "group()" : $"group(columns: [{String(groupTag)}])";
        var window = $"aggregateWindow(every: {Duration(query.StepLength)}, fn: sum, createEmpty: false, timeSrc: \"_start\")";
        return $"""
            {Source(options, query, liveFrom, window)}
                |> group(columns: {columns})
                |> sum()
                |> {regroup}
                |> yield(name: "usage")
            """;
    }

    /// <summary>
    /// One sum per group over the whole range: <c>sum()</c> right after the filter (pushed down: one value per
    /// series), then the series of a group are added up. The raw bucket serves the live part as in <see cref="Query"/>.
    /// </summary>
    public static string Totals(InfluxUsageOptions options, UsageQuery query, DateTimeOffset? liveFrom = null)
    {
        var groupTag = GroupTag(query.Metric, query.Grouping);
        var regroup = groupTag is null ? "group()" : $"group(columns: [{String(groupTag)}])";
        return $"""
            {Source(options, query, liveFrom, "sum()")}
                |> {regroup}
                |> sum()
                |> yield(name: "totals")
            """;
    }

    /// <summary>The filtered, aggregated rows: from the window's bucket, and from the raw bucket past <paramref name="liveFrom"/> (a union of both when the range spans it).</summary>
    private static string Source(InfluxUsageOptions options, UsageQuery query, DateTimeOffset? liveFrom, string aggregate)
    {
        var filter = Filter(query);
        string Read(string bucket, DateTimeOffset from, DateTimeOffset to) => $"""
            from(bucket: {String(bucket)})
                |> range(start: {Time(from)}, stop: {Time(to)})
                |> filter(fn: (r) => {filter})
                |> {aggregate}
            """;

        if (liveFrom is not { } live || live >= query.To)
        {
            return Read(Bucket(options, query.Window), query.From, query.To);
        }

        if (live <= query.From)
        {
            return Read(options.BucketName("raw"), query.From, query.To);
        }

        return $"""
            union(tables: [
                {Indent(Read(Bucket(options, query.Window), query.From, live))},
                {Indent(Read(options.BucketName("raw"), live, query.To))},
            ])
            """;
    }

    private static string Indent(string text) => text.ReplaceLineEndings("\n    ");

    /// <summary>The last point of each feature's series in one bucket, per environment.</summary>
    public static string LastEvaluations(InfluxUsageOptions options, UsageWindow window, TimeSpan lookback, int organisationId, int projectId) => $"""
        from(bucket: {String(Bucket(options, window))})
            |> range(start: -{Duration(lookback)})
            |> filter(fn: (r) => r._measurement == {String(FlagEvaluations)} and r._field == {String(CountField)} and r.organisation == {String(Id(organisationId))} and r.project == {String(Id(projectId))})
            |> last()
            |> group(columns: ["feature", "environment"])
            |> max(column: "_time")
            |> yield(name: "last")
        """;

    private static string Filter(UsageQuery query)
    {
        if (query.FeatureId is not null && query.Metric != UsageMetric.FlagEvaluations)
        {
            throw new ArgumentException("Only flag evaluations can be narrowed to a feature.", nameof(query));
        }

        if (query.To <= query.From)
        {
            throw new ArgumentException($"The range {query.From:O} to {query.To:O} is empty.", nameof(query));
        }

        var measurement = query.Metric == UsageMetric.ApiCalls ? ApiCalls : FlagEvaluations;
        var tags = new List<string>
        {
            $"r._measurement == {String(measurement)}",
            $"r._field == {String(CountField)}",
            $"r.organisation == {String(Id(query.OrganisationId))}",
        };
        if (query.ProjectId is { } project)
        {
            tags.Add($"r.project == {String(Id(project))}");
        }

        if (query.EnvironmentId is { } environment)
        {
            tags.Add($"r.environment == {String(Id(environment))}");
        }

        if (query.FeatureId is { } feature)
        {
            // Points written before evaluations were tagged by id carry the name.
            tags.Add(query.LegacyFeatureName is { } name
                ? $"(r.feature == {String(Id(feature))} or r.feature == {String(name)})"
                : $"r.feature == {String(Id(feature))}");
        }

        return string.Join(" and ", tags);
    }

    public static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
