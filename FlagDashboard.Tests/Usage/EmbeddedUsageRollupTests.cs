using FlagDashboard.Core.Data;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage;

/// <summary>The embedded store's writes (1-minute rows, a ledger, key order) and roll-ups, on both database providers.</summary>
public sealed class EmbeddedUsageRollupTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task AFlushWritesOneMinuteRowsOnlyAndEachClosedWindowIsRolledUpOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(Ten.AddMinutes(2));
        var store = EmbeddedUsageStoreTests.Store(database, clock);
        await store.WriteAsync([Calls(Ten, 5), Calls(Ten.AddMinutes(1), 3)], Cancel);

        await using (var db = database.CreateDbContext())
        {
            Assert.Equal([UsageWindow.OneMinute], await db.UsageApiCalls.Select(c => c.Window).Distinct().ToListAsync(Cancel));
        }

        // The hour is not over: its count so far comes from the 1-minute rows.
        Assert.Equal(8, await TotalAsync(store, UsageWindow.OneHour, Ten, Ten.AddHours(1)));
        clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(3, await store.RollUpAsync(Cancel));
        Assert.Equal(0, await store.RollUpAsync(Cancel));

        await using (var db = database.CreateDbContext())
        {
            var rolled = await db.UsageApiCalls.Where(c => c.Window != UsageWindow.OneMinute).Select(c => new { c.Window, c.Count }).ToListAsync(Cancel);
            Assert.Equal([(UsageWindow.FifteenMinutes, 8L), (UsageWindow.OneHour, 8L), (UsageWindow.OneDay, 8L)], rolled.Select(r => (r.Window, r.Count)).Order());
        }

        // A minute that comes late rolls its windows up again, to the new exact sums.
        await store.WriteAsync([Calls(Ten.AddMinutes(5), 2)], Cancel);
        foreach (var window in new[] { UsageWindow.FifteenMinutes, UsageWindow.OneHour, UsageWindow.OneDay })
        {
            Assert.Equal(10, await TotalAsync(store, window, window.Floor(Ten), window.Floor(Ten) + window.Length()));
        }
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ABatchHandedInAgainIsCountedOnce(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(Ten.AddMinutes(1));
        var store = EmbeddedUsageStoreTests.Store(database, clock);
        var batch = Calls(Ten, 5);

        await store.WriteAsync([batch], Cancel);
        // A retry after a commit whose acknowledgement was lost, and a replay beside fresh counts.
        await store.WriteAsync([batch], Cancel);
        await store.WriteAsync([batch, Calls(Ten, 4)], Cancel);

        Assert.Equal(9, await TotalAsync(store, UsageWindow.OneMinute, Ten, Ten.AddMinutes(1)));
        clock.Advance(TimeSpan.FromHours(2));
        await store.RollUpAsync(Cancel);
        Assert.Equal(9, await TotalAsync(store, UsageWindow.OneHour, Ten, Ten.AddHours(1)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task TwoInstancesWritingTheSameKeysAtOnceAddUpWithoutDeadlocking(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var clock = new ManualClock(Ten.AddMinutes(1));
        var first = EmbeddedUsageStoreTests.Store(database, clock);
        var second = EmbeddedUsageStoreTests.Store(database, clock);
        var keys = Enumerable.Range(1, 60).Select(environment => new ApiCall(1, 2, environment, SdkResource.Flags, 2)).ToList();

        // Each instance builds its batch in a different order; the store writes them in one order.
        async Task WriteAsync(EmbeddedUsageStore store, IEnumerable<ApiCall> order)
        {
            for (var i = 0; i < 15; i++)
            {
                await store.WriteAsync([new UsageBatch(Ten, order.ToDictionary(k => k, _ => 1L), new Dictionary<EvaluationKey, long>())], Cancel);
            }
        }

        await Task.WhenAll(Task.Run(() => WriteAsync(first, keys), Cancel), Task.Run(() => WriteAsync(second, Enumerable.Reverse(keys)), Cancel));

        Assert.Equal(2 * 15 * 60, await TotalAsync(first, UsageWindow.OneMinute, Ten, Ten.AddMinutes(1)));
    }

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task ChartLinesAddUpPerStepFromRolledUpWindowsAndTheLiveTailInEveryGrouping(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var store = EmbeddedUsageStoreTests.Store(database, new ManualClock(Ten.AddHours(3).AddMinutes(2)));
        await store.WriteAsync(
        [
            Evaluations(Ten.AddMinutes(5), (3, 21, 4)),
            Evaluations(Ten.AddMinutes(65), (4, 21, 1)),
            Evaluations(Ten.AddMinutes(130), (3, 22, 6)),
            EmbeddedUsageStoreTests.Batch(Ten, (EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2), 5)),
        ], Cancel);
        // The last hour is not rolled up yet: its counts come from the 1-minute rows.
        await store.WriteAsync(
        [
            Evaluations(Ten.AddHours(3).AddMinutes(1), (3, 21, 2)),
            EmbeddedUsageStoreTests.Batch(Ten.AddHours(3).AddMinutes(1), (EmbeddedUsageStoreTests.Call(SdkResource.Flags, 4), 1)),
        ], Cancel);

        async Task<string> ChartAsync(UsageMetric metric, int? environment, int? feature, UsageGrouping grouping)
        {
            var query = new UsageQuery(metric, 1, 2, environment, feature, Ten, Ten.AddHours(4), UsageWindow.OneHour, grouping) { Step = TimeSpan.FromHours(2) };
            var lines = await store.QueryAsync(query, Cancel);
            Assert.All(lines, l => Assert.Equal([Ten, Ten.AddHours(2)], l.Points.Select(p => p.Time)));
            return string.Join(" ", lines.Select(l => $"{l.Key}={string.Join(",", l.Points.Select(p => p.Count))}"));
        }

        Assert.Equal("21=5,2 22=0,6", await ChartAsync(UsageMetric.FlagEvaluations, null, null, UsageGrouping.Feature));
        Assert.Equal("21=4,2 22=0,6", await ChartAsync(UsageMetric.FlagEvaluations, 3, null, UsageGrouping.Feature));
        Assert.Equal("3=4,8 4=1,0", await ChartAsync(UsageMetric.FlagEvaluations, null, null, UsageGrouping.Environment));
        Assert.Equal("3=4,2 4=1,0", await ChartAsync(UsageMetric.FlagEvaluations, null, 21, UsageGrouping.Environment));
        Assert.Equal("total=5,8", await ChartAsync(UsageMetric.FlagEvaluations, null, null, UsageGrouping.None));
        Assert.Equal("total=0,0", await ChartAsync(UsageMetric.FlagEvaluations, 9, null, UsageGrouping.None));
        Assert.Equal("2xx=5,0 4xx=0,1", await ChartAsync(UsageMetric.ApiCalls, null, null, UsageGrouping.Status));
        Assert.Equal("flags=5,1", await ChartAsync(UsageMetric.ApiCalls, null, null, UsageGrouping.Resource));
    }

    [Fact]
    public async Task EvaluationsAreReadByFeatureIdWithTheirLastWindowAndTotalsForAPeriod()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten.AddDays(3));
        var store = EmbeddedUsageStoreTests.Store(database, clock);
        await store.WriteAsync(
        [
            Evaluations(Ten, (3, 21, 4), (4, 21, 1), (3, 22, 6)),
            Evaluations(Ten.AddDays(2).AddMinutes(7), (3, 21, 2)),
        ], Cancel);

        var last = await store.LastEvaluationsAsync(1, 2, Cancel);
        var usage = new UsageQueryService(store, database, CoreServices.OperatorAccess(database), clock);
        var total = await usage.TotalAsync(1, UsageMetric.FlagEvaluations, null, null, Ten.AddHours(-1), clock.GetUtcNow(), Cancel);
        var byFeature = await store.TotalsAsync(new UsageQuery(UsageMetric.FlagEvaluations, 1, 2, null, null, UsageWindow.OneDay.Floor(Ten), UsageWindow.OneDay.Floor(Ten).AddDays(3), UsageWindow.OneDay, UsageGrouping.Feature), Cancel);

        Assert.Equal(
            [new FeatureLastEvaluation(21, 3, Ten.AddDays(2).AddMinutes(7)), new FeatureLastEvaluation(21, 4, Ten), new FeatureLastEvaluation(22, 3, Ten)],
            last);
        Assert.Equal(13, total);
        Assert.Equal([new UsageTotal("21", 7), new UsageTotal("22", 6)], byFeature);
    }

    [Fact]
    public async Task ASevenHundredThirtyDayRangeIsAnsweredInTwoDayStepsOfTheDayWindow()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = EmbeddedUsageStoreTests.Store(database, clock);
        await store.WriteAsync([Calls(Ten.AddDays(-700), 5), Calls(Ten.AddMinutes(-3), 2)], Cancel);
        var usage = new UsageQueryService(store, database, CoreServices.OperatorAccess(database), clock);

        var series = await usage.SeriesAsync(1, new UsageSeriesRequest(UsageMetric.ApiCalls, UsageScope.Organisation, null, null, Ten.AddDays(-730), Ten, UsageGrouping.None), Cancel);

        Assert.Equal((UsageWindow.OneDay, TimeSpan.FromDays(2)), (series.Window, series.Step));
        Assert.InRange(Assert.Single(series.Series).Points.Count, 300, 600);
        Assert.Equal(7, series.Total);
    }

    private static async Task<long> TotalAsync(EmbeddedUsageStore store, UsageWindow window, DateTimeOffset from, DateTimeOffset to) =>
        (await store.QueryAsync(new UsageQuery(UsageMetric.ApiCalls, 1, null, null, null, from, to, window, UsageGrouping.None), Cancel)).Sum(l => l.Total);

    private static UsageBatch Calls(DateTimeOffset minute, long count) =>
        EmbeddedUsageStoreTests.Batch(minute, (EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2), count));

    private static UsageBatch Evaluations(DateTimeOffset minute, params (int Environment, int Feature, long Count)[] counts) =>
        new(minute, new Dictionary<ApiCall, long>(), counts.ToDictionary(c => new EvaluationKey(1, 2, c.Environment, c.Feature), c => c.Count));
}
