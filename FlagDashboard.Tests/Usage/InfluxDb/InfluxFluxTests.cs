using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.InfluxDb;

namespace FlagDashboard.Tests.Usage.InfluxDb;

/// <summary>The Flux the store sends, read by InfluxData's own parser (npm <c>@influxdata/flux</c> 0.5.1 under Node).</summary>
public sealed class InfluxFluxTests
{
    private static readonly DateTimeOffset To = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly InfluxUsageOptions Options = new() { Url = "http://127.0.0.1:8086", Token = "t", Organisation = "acme" };

    private static readonly string[] QueryPipeline = ["from", "range", "filter", "aggregateWindow", "group", "sum", "group", "yield"];

    [Fact]
    public async Task EveryChartQueryParsesWithoutErrorsAsOnePipeline()
    {
        var queries = (
            from window in Enum.GetValues<UsageWindow>()
            from shape in new (UsageMetric Metric, UsageGrouping Grouping, int? Feature)[]
            {
                (UsageMetric.ApiCalls, UsageGrouping.None, null),
                (UsageMetric.ApiCalls, UsageGrouping.Resource, null),
                (UsageMetric.ApiCalls, UsageGrouping.Status, null),
                (UsageMetric.ApiCalls, UsageGrouping.Environment, null),
                (UsageMetric.FlagEvaluations, UsageGrouping.Feature, null),
                (UsageMetric.FlagEvaluations, UsageGrouping.Environment, 12),
                (UsageMetric.ApiCalls, UsageGrouping.Project, null),
                (UsageMetric.FlagEvaluations, UsageGrouping.Project, null),
            }
            select InfluxFlux.Query(Options, new UsageQuery(shape.Metric, 1, 2, 3, shape.Feature, To.AddDays(-7), To, window, shape.Grouping) { LegacyFeatureName = shape.Feature is null ? null : "banner" })).ToList();

        var parsed = await FluxParser.ParseAsync(queries);

        Assert.Equal(queries.Count, parsed.Count);
        Assert.All(parsed, p => Assert.Empty(p.Errors));
        Assert.All(parsed, p => Assert.Equal(QueryPipeline, p.CalledFunctions));
    }

    [Fact]
    public async Task EveryDownsamplingTaskParsesWithoutErrors()
    {
        var tiers = InfluxDownsampling.Tiers(Options);
        var scripts = tiers.Select(tier => InfluxDownsampling.TaskFlux(Options, tier))
            .Concat(tiers.Select(tier => InfluxDownsampling.BackfillFlux(Options, tier, new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero))))
            .ToList();

        var parsed = await FluxParser.ParseAsync(scripts);

        Assert.Equal(6, parsed.Count);
        Assert.All(parsed, p => Assert.Empty(p.Errors));
        Assert.All(parsed, p => Assert.Equal(["from", "range", "filter", "aggregateWindow", "group", "sum", "to"], p.CalledFunctions));
        Assert.Equal(
            ["flagdashboard_raw_to_1m", "flagdashboard_raw", "flagdashboard_1m"],
            parsed[0].StringLiterals.Where(s => s.StartsWith("flagdashboard", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ChartAndTotalQueriesWithALiveTailFromTheRawBucketParseAsOneUnion()
    {
        var queries = (
            from window in Enum.GetValues<UsageWindow>()
            from grouping in new[] { UsageGrouping.None, UsageGrouping.Resource, UsageGrouping.Project }
            let query = new UsageQuery(UsageMetric.ApiCalls, 1, 2, null, null, To.AddDays(-1), To, window, grouping) { Step = TimeSpan.FromHours(1) }
            from flux in new[] { InfluxFlux.Query(Options, query, To.AddMinutes(-30)), InfluxFlux.Totals(Options, query, To.AddMinutes(-30)) }
            select flux).ToList();

        var parsed = await FluxParser.ParseAsync(queries);

        Assert.All(parsed, p => Assert.Empty(p.Errors));
        Assert.All(parsed, p => Assert.Equal("union", p.CalledFunctions[0]));
        Assert.All(parsed, p => Assert.Contains("flagdashboard_raw", p.StringLiterals));
        Assert.Equal(
            ["union", "from", "range", "filter", "aggregateWindow", "from", "range", "filter", "aggregateWindow", "group", "sum", "group", "yield"],
            parsed[0].CalledFunctions);
        Assert.Equal(["union", "from", "range", "filter", "sum", "from", "range", "filter", "sum", "group", "sum", "yield"], parsed[1].CalledFunctions);
    }

    [Fact]
    public async Task AnOrganisationsTotalsByProjectAndByFeatureParseAndSumByTheirTag()
    {
        var queries = new[] { (UsageMetric.ApiCalls, UsageGrouping.Project), (UsageMetric.ApiCalls, UsageGrouping.Environment), (UsageMetric.FlagEvaluations, UsageGrouping.Feature) }
            .Select(shape => InfluxFlux.Totals(Options, new UsageQuery(shape.Item1, 1, null, null, null, To.AddDays(-30), To, UsageWindow.OneDay, shape.Item2)))
            .ToList();

        var parsed = await FluxParser.ParseAsync(queries);

        Assert.All(parsed, p => Assert.Empty(p.Errors));
        Assert.All(parsed, p => Assert.Equal(["from", "range", "filter", "sum", "group", "sum", "yield"], p.CalledFunctions));
        Assert.Equal(["project", "environment", "feature"], parsed.Select(p => p.StringLiterals.Single(s => s is "project" or "environment" or "feature")));
        Assert.All(queries, q => Assert.DoesNotContain("r.project ==", q, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TheLastEvaluationQueryParses()
    {
        var parsed = Assert.Single(await FluxParser.ParseAsync(InfluxFlux.LastEvaluations(Options, UsageWindow.OneHour, TimeSpan.FromDays(730), 1, 2)));

        Assert.Empty(parsed.Errors);
        Assert.Equal(["from", "range", "filter", "last", "group", "max", "yield"], parsed.CalledFunctions);
    }

    [Theory]
    [InlineData("x\") |> drop(columns: [\"_value\"]) |> yield(name: \"")]
    [InlineData("back\\slash\\")]
    [InlineData("\\\") |> drop(fn: (column) => true) //")]
    [InlineData("${string(v: 1)}")]
    [InlineData("new\nline \"and\" tab\t")]
    public async Task AFeatureNameThatLooksLikeFluxStaysOneStringLiteral(string feature)
    {
        var query = InfluxFlux.Query(Options, new UsageQuery(UsageMetric.FlagEvaluations, 1, 2, 3, 12, To.AddHours(-1), To, UsageWindow.OneMinute, UsageGrouping.Environment) { LegacyFeatureName = feature });

        var parsed = Assert.Single(await FluxParser.ParseAsync(query));

        Assert.Empty(parsed.Errors);
        Assert.Equal(QueryPipeline, parsed.CalledFunctions);
        Assert.Contains(feature, parsed.StringLiterals);
    }

    [Fact]
    public async Task TheParserReportsABrokenScript()
    {
        var parsed = Assert.Single(await FluxParser.ParseAsync("""from(bucket: "a") |> filter(fn: (r) => r.feature == "x") |> drop("""));

        Assert.NotEmpty(parsed.Errors);
    }

    [Fact]
    public void AStringLiteralEscapesQuotesBackslashesAndInterpolation() =>
        Assert.Equal("""
            "a\"b\\c\${d}$e\n"
            """, InfluxFlux.String("a\"b\\c${d}$e\n"));
}
