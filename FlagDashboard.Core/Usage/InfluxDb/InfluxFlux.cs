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
        (UsageMetric.ApiCalls, UsageGrouping.Resource) => "resource",
        (UsageMetric.ApiCalls, UsageGrouping.Status) => "status",
        (UsageMetric.FlagEvaluations, UsageGrouping.Feature) => "feature",
        _ => throw new ArgumentException($"{metric} cannot be grouped by {grouping}.", nameof(grouping)),
    };

    /// <summary>
    /// The chart query: the window's bucket, the range, the tag filters, then grouping, summing per window
    /// and gap filling in the server. <c>timeSrc: "_start"</c> stamps each point with its window's start
    /// (aggregateWindow's default is the stop); <c>fill</c> turns the empty windows' null sums into 0.
    /// </summary>
    public static string Query(InfluxUsageOptions options, UsageQuery query)
    {
        var groupTag = GroupTag(query.Metric, query.Grouping);
        if (query.FeatureName is not null && query.Metric != UsageMetric.FlagEvaluations)
        {
            throw new ArgumentException("Only flag evaluations can be narrowed to a feature.", nameof(query));
        }

        if (query.To <= query.From)
        {
            throw new ArgumentException($"The range {query.From:O} to {query.To:O} is empty.", nameof(query));
        }

        var tags = new List<string> { $"r.organisation == {String(Id(query.OrganisationId))}" };
        if (query.ProjectId is { } project)
        {
            tags.Add($"r.project == {String(Id(project))}");
        }

        if (query.EnvironmentId is { } environment)
        {
            tags.Add($"r.environment == {String(Id(environment))}");
        }

        if (query.FeatureName is { } feature)
        {
            tags.Add($"r.feature == {String(feature)}");
        }

        var measurement = query.Metric == UsageMetric.ApiCalls ? ApiCalls : FlagEvaluations;
        var group = groupTag is null ? "group()" : $"group(columns: [{String(groupTag)}])";
        return $"""
            from(bucket: {String(options.BucketName(query.Window.Label()))})
                |> range(start: {Time(query.From)}, stop: {Time(query.To)})
                |> filter(fn: (r) => r._measurement == {String(measurement)} and r._field == {String(CountField)})
                |> filter(fn: (r) => {string.Join(" and ", tags)})
                |> {group}
                |> aggregateWindow(every: {Duration(query.Window.Length())}, fn: sum, createEmpty: true, timeSrc: "_start")
                |> fill(value: 0)
                |> yield(name: "usage")
            """;
    }

    public static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);
}
