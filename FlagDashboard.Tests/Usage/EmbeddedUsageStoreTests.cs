using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage;

public sealed class EmbeddedUsageStoreTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CountsComeBackExactlyAtEveryWindowWithGapsAsZero()
    {
        await using var database = await TestDatabase.CreateAsync();
        var store = Store(database, new ManualClock(Ten.AddHours(2)));
        await store.WriteAsync(
        [
            Batch(Ten, (Call(SdkResource.Flags, 2), 5), (Call(SdkResource.Identities, 2), 2)),
            Batch(Ten.AddMinutes(2), (Call(SdkResource.Flags, 2), 3), (Call(SdkResource.Flags, 4), 1)),
            Batch(Ten.AddMinutes(20), (Call(SdkResource.Flags, 2), 7)),
        ], Cancel);

        var minutes = await store.QueryAsync(Query(UsageWindow.OneMinute, Ten, Ten.AddMinutes(4), UsageGrouping.Resource), Cancel);
        var quarters = await store.QueryAsync(Query(UsageWindow.FifteenMinutes, Ten, Ten.AddMinutes(30), UsageGrouping.Status), Cancel);
        var hours = await store.QueryAsync(Query(UsageWindow.OneHour, Ten, Ten.AddHours(2), UsageGrouping.None), Cancel);

        Assert.Equal(["flags", "identities"], minutes.Select(l => l.Key));
        Assert.Equal([5L, 0, 4, 0], minutes[0].Points.Select(p => p.Count));
        Assert.Equal([Ten, Ten.AddMinutes(1), Ten.AddMinutes(2), Ten.AddMinutes(3)], minutes[0].Points.Select(p => p.Time));
        Assert.Equal([2L, 0, 0, 0], minutes[1].Points.Select(p => p.Count));
        Assert.Equal(["2xx", "4xx"], quarters.Select(l => l.Key));
        Assert.Equal([10L, 7], quarters[0].Points.Select(p => p.Count));
        Assert.Equal([1L, 0], quarters[1].Points.Select(p => p.Count));
        Assert.Equal([18L, 0], Assert.Single(hours).Points.Select(p => p.Count));
    }

    [Fact]
    public async Task TwoWritesForTheSameWindowAddUp()
    {
        await using var database = await TestDatabase.CreateAsync();
        var store = Store(database, new ManualClock(Ten));
        var first = Store(database, new ManualClock(Ten));

        await first.WriteAsync([Batch(Ten, (Call(SdkResource.Flags, 2), 5))], Cancel);
        await store.WriteAsync([Batch(Ten, (Call(SdkResource.Flags, 2), 6)), Batch(Ten.AddMinutes(1), (Call(SdkResource.Flags, 2), 1))], Cancel);

        var hour = await store.QueryAsync(Query(UsageWindow.OneHour, Ten, Ten.AddHours(1), UsageGrouping.None), Cancel);
        var minutes = await store.QueryAsync(Query(UsageWindow.OneMinute, Ten, Ten.AddMinutes(2), UsageGrouping.None), Cancel);

        Assert.Equal(12, Assert.Single(hour).Total);
        Assert.Equal([11L, 1], Assert.Single(minutes).Points.Select(p => p.Count));
    }

    [Fact]
    public async Task EvaluationsGroupByFeatureAndFilterByEnvironmentAndFeature()
    {
        await using var database = await TestDatabase.CreateAsync();
        var store = Store(database, new ManualClock(Ten));
        await store.WriteAsync([new UsageBatch(Ten, new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>
        {
            [new EvaluationKey(1, 2, 3, 21)] = 10,
            [new EvaluationKey(1, 2, 3, 22)] = 4,
            [new EvaluationKey(1, 2, 9, 21)] = 1,
            [new EvaluationKey(7, 8, 9, 21)] = 100,
        })], Cancel);

        var byFeature = await store.QueryAsync(Query(UsageWindow.OneMinute, Ten, Ten.AddMinutes(1), UsageGrouping.Feature, UsageMetric.FlagEvaluations) with { EnvironmentId = 3 }, Cancel);
        var oneFeature = await store.QueryAsync(Query(UsageWindow.OneMinute, Ten, Ten.AddMinutes(1), UsageGrouping.Environment, UsageMetric.FlagEvaluations) with { FeatureId = 21 }, Cancel);
        var allEnvironments = await store.QueryAsync(Query(UsageWindow.OneMinute, Ten, Ten.AddMinutes(1), UsageGrouping.Feature, UsageMetric.FlagEvaluations), Cancel);

        Assert.Equal([("21", 10L), ("22", 4L)], byFeature.Select(l => (l.Key, l.Total)));
        Assert.Equal([("21", 11L), ("22", 4L)], allEnvironments.Select(l => (l.Key, l.Total)));
        Assert.Equal([("3", 10L), ("9", 1L)], oneFeature.Select(l => (l.Key, l.Total)));
    }

    [Fact]
    public async Task AnUnknownKeysCallsAreCountedUnderUnknown()
    {
        await using var database = await TestDatabase.CreateAsync();
        var store = Store(database, new ManualClock(Ten));
        await store.WriteAsync([Batch(Ten, (new ApiCall(null, null, null, SdkResource.Flags, 4), 3))], Cancel);

        var lines = await store.QueryAsync(new UsageQuery(UsageMetric.ApiCalls, 0, null, null, null, Ten, Ten.AddMinutes(1), UsageWindow.OneMinute, UsageGrouping.Environment), Cancel);

        Assert.Equal(("unknown", 3L), (Assert.Single(lines).Key, lines[0].Total));
    }

    [Fact]
    public async Task PruningDeletesEachWindowPastItsRetentionOnly()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = Store(database, clock);
        await store.WriteAsync([Batch(Ten, (Call(SdkResource.Flags, 2), 1))], Cancel);
        clock.Advance(TimeSpan.FromDays(8));

        var deleted = await store.PruneAsync(Cancel);

        Assert.Equal(1, deleted);
        Assert.Equal(0, Assert.Single(await store.QueryAsync(Query(UsageWindow.OneMinute, Ten, Ten.AddMinutes(1), UsageGrouping.None), Cancel)).Total);
        Assert.Equal(1, Assert.Single(await store.QueryAsync(Query(UsageWindow.FifteenMinutes, Ten, Ten.AddMinutes(15), UsageGrouping.None), Cancel)).Total);
    }

    [Theory]
    [InlineData(60, UsageWindow.OneMinute, 1, 60)]
    [InlineData(6 * 60, UsageWindow.OneMinute, 1, 360)]
    [InlineData(24 * 60, UsageWindow.OneMinute, 3, 480)]
    [InlineData(7 * 24 * 60, UsageWindow.FifteenMinutes, 30, 336)]
    [InlineData(30 * 24 * 60, UsageWindow.OneHour, 120, 360)]
    [InlineData(90 * 24 * 60, UsageWindow.OneHour, 240, 541)]
    [InlineData(730 * 24 * 60, UsageWindow.OneDay, 2 * 24 * 60, 366)]
    public void TheStepGivesAtMostSixHundredPointsAndTheWindowIsTheCoarsestItIsAWholeNumberOf(int minutes, UsageWindow window, int stepMinutes, int points)
    {
        var plan = UsageSteps.Choose(Ten.AddMinutes(-minutes), Ten, Ten, new UsageRetentionOptions().For);

        Assert.Equal((window, TimeSpan.FromMinutes(stepMinutes), points), (plan.Window, plan.Step, plan.Points));
    }

    [Theory]
    [InlineData(0, 60, UsageWindow.OneMinute)]
    [InlineData(6 * 24 * 60, 60, UsageWindow.OneMinute)]
    [InlineData(8 * 24 * 60, 60, UsageWindow.FifteenMinutes)]
    [InlineData(8 * 24 * 60, 2 * 24 * 60, UsageWindow.FifteenMinutes)]
    [InlineData(100 * 24 * 60, 60, UsageWindow.OneHour)]
    public void AShortRangeOlderThanAWindowsRetentionReadsTheFinestWindowThatStillHoldsIt(int endsMinutesAgo, int minutes, UsageWindow expected)
    {
        var to = Ten.AddMinutes(-endsMinutesAgo);

        Assert.Equal(expected, UsageSteps.Choose(to.AddMinutes(-minutes), to, Ten, new UsageRetentionOptions().For).Window);
    }

    [Fact]
    public async Task AZoomIntoLastMonthShowsItsCountsFromTheWindowThatKeptThem()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = Store(database, clock);
        var lastMonth = Ten.AddDays(-30);
        await store.WriteAsync([Batch(lastMonth, (Call(SdkResource.Flags, 2), 5))], Cancel);
        await store.PruneAsync(Cancel);
        var usage = new UsageQueryService(store, database, CoreServices.OperatorAccess(database), clock);

        var series = await usage.SeriesAsync(1, new UsageSeriesRequest(UsageMetric.ApiCalls, UsageScope.Organisation, null, null,
            lastMonth.AddMinutes(-30), lastMonth.AddMinutes(30), UsageGrouping.None), Cancel);

        Assert.Equal(UsageWindow.FifteenMinutes, series.Window);
        Assert.Equal(5, series.Total);
    }

    internal static EmbeddedUsageStore Store(TestDatabase database, TimeProvider clock) =>
        new(database, Options.Create(new UsageOptions()), clock);

    internal static ApiCall Call(SdkResource resource, int status) => new(1, 2, 3, resource, status);

    internal static UsageBatch Batch(DateTimeOffset minute, params (ApiCall Call, long Count)[] calls) =>
        new(minute, calls.ToDictionary(c => c.Call, c => c.Count), new Dictionary<EvaluationKey, long>());

    private static UsageQuery Query(UsageWindow window, DateTimeOffset from, DateTimeOffset to, UsageGrouping grouping, UsageMetric metric = UsageMetric.ApiCalls) =>
        new(metric, 1, null, null, null, from, to, window, grouping);
}
