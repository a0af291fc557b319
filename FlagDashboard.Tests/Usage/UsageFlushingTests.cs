using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage;

public sealed class UsageFlushingTests
{
    private static readonly DateTimeOffset Ten = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AStoreOutageLosesNothingAndCountsNothingTwice()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = new FlakyStore(EmbeddedUsageStoreTests.Store(database, clock), failures: 3);
        var counters = new UsageCounters(clock);
        var flushing = Flushing(counters, store, database, clock, maxPending: 1_000_000);

        for (var flush = 0; flush < 12; flush++)
        {
            for (var i = 0; i < 100; i++)
            {
                counters.RecordApiCall(EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2));
            }

            await flushing.FlushAsync(final: false, Cancel);
            clock.Advance(TimeSpan.FromSeconds(20));
        }

        Assert.True(await flushing.FlushAsync(final: true, Cancel));
        Assert.Equal(3, store.FailedWrites);
        Assert.Equal(0, flushing.PendingCount);
        Assert.Equal(1200, await TotalAsync(store, Ten, clock.GetUtcNow()));
    }

    [Fact]
    public async Task PastTheBoundAnExternalStoresCountsSpillToTheDatabaseAndReplay()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var inner = EmbeddedUsageStoreTests.Store(database, clock);
        var store = new FlakyStore(inner, failures: 2);
        var counters = new UsageCounters(clock);
        var flushing = Flushing(counters, store, database, clock, maxPending: 1_000);

        for (var i = 0; i < 1_500; i++)
        {
            counters.RecordApiCall(EmbeddedUsageStoreTests.Call(SdkResource.Identities, 2));
        }

        Assert.False(await flushing.FlushAsync(final: false, Cancel));
        await using (var db = database.CreateDbContext())
        {
            Assert.NotEmpty(await db.PendingUsage.ToListAsync(Cancel));
        }

        Assert.Equal(0, flushing.PendingCount);
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.False(await flushing.FlushAsync(final: false, Cancel));
        clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await flushing.FlushAsync(final: false, Cancel));

        await using (var db = database.CreateDbContext())
        {
            Assert.Empty(await db.PendingUsage.ToListAsync(Cancel));
        }

        Assert.Equal(1_500, await TotalAsync(store, Ten, clock.GetUtcNow()));
    }

    [Fact]
    public async Task FlushesThatOverlapTakeTurnsAndCountOnce()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = EmbeddedUsageStoreTests.Store(database, clock);
        var counters = new UsageCounters(clock);
        var flushing = Flushing(counters, store, database, clock, maxPending: 1_000_000);
        for (var i = 0; i < 500; i++)
        {
            counters.RecordApiCall(EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2));
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => flushing.FlushAsync(final: false, Cancel)));

        Assert.Equal(500, await TotalAsync(store, Ten, Ten));
    }

    [Fact]
    public async Task AFinalFlushThatCannotWriteSpillsEverythingForTheNextStart()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = new FlakyStore(EmbeddedUsageStoreTests.Store(database, clock), failures: 1);
        var counters = new UsageCounters(clock);
        var flushing = Flushing(counters, store, database, clock, maxPending: 1_000_000);
        for (var i = 0; i < 10; i++)
        {
            counters.RecordApiCall(EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2));
        }

        Assert.False(await flushing.FlushAsync(final: true, Cancel));
        Assert.Equal(0, flushing.PendingCount);

        var next = Flushing(new UsageCounters(clock), store, database, clock, maxPending: 1_000_000);
        Assert.True(await next.FlushAsync(final: false, Cancel));
        Assert.Equal(10, await TotalAsync(store, Ten, Ten));
    }

    [Fact]
    public async Task ASpilledBatchIsReplayedWithTheStampOfItsFirstWrite()
    {
        await using var database = await TestDatabase.CreateAsync();
        var clock = new ManualClock(Ten);
        var store = new FlakyStore(EmbeddedUsageStoreTests.Store(database, clock), failures: 1, stampOnFailure: 42);
        var counters = new UsageCounters(clock);
        var flushing = Flushing(counters, store, database, clock, maxPending: 1_000_000);
        counters.RecordApiCall(EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2));

        Assert.False(await flushing.FlushAsync(final: true, Cancel));
        Assert.True(await Flushing(new UsageCounters(clock), store, database, clock, maxPending: 1_000_000).FlushAsync(final: false, Cancel));

        Assert.Equal([42L], store.WrittenStamps);
    }

    private static UsageFlushing Flushing(UsageCounters counters, IUsageStore store, TestDatabase database, TimeProvider clock, int maxPending) =>
        new(counters, store, database, Options.Create(new UsageOptions { MaxPendingCounts = maxPending }), clock, NullLogger<UsageFlushing>.Instance);

    private static async Task<long> TotalAsync(IUsageStore store, DateTimeOffset from, DateTimeOffset to) =>
        (await store.QueryAsync(new UsageQuery(UsageMetric.ApiCalls, 1, null, null, null, UsageWindow.OneHour.Floor(from), UsageWindow.OneHour.Floor(to).AddHours(1), UsageWindow.OneHour, UsageGrouping.None), Cancel))
        .Sum(l => l.Total);

    /// <summary>A store that is down for its first few writes, as an InfluxDB outage looks from the app.</summary>
    private sealed class FlakyStore(IUsageStore inner, int failures, long? stampOnFailure = null) : IUsageStore
    {
        public int FailedWrites { get; private set; }

        public List<long?> WrittenStamps { get; } = [];

        public Task InitializeAsync(CancellationToken cancellationToken) => inner.InitializeAsync(cancellationToken);

        public TimeSpan Retention(UsageWindow window) => inner.Retention(window);

        public Task WriteAsync(IReadOnlyList<UsageBatch> batches, CancellationToken cancellationToken)
        {
            if (FailedWrites < failures)
            {
                FailedWrites++;
                foreach (var batch in batches)
                {
                    // As InfluxDB's store does: the stamp is given on the first attempt, whatever its outcome.
                    batch.Stamp ??= stampOnFailure;
                }

                throw new HttpRequestException("The usage store is unreachable.");
            }

            WrittenStamps.AddRange(batches.Select(b => b.Stamp));
            return inner.WriteAsync(batches, cancellationToken);
        }

        public Task<IReadOnlyList<UsageLine>> QueryAsync(UsageQuery query, CancellationToken cancellationToken) => inner.QueryAsync(query, cancellationToken);

        public Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken) => inner.TotalsAsync(query, cancellationToken);

        public Task<IReadOnlyList<FeatureLastEvaluation>> LastEvaluationsAsync(int organisationId, int projectId, CancellationToken cancellationToken) =>
            inner.LastEvaluationsAsync(organisationId, projectId, cancellationToken);
    }
}
