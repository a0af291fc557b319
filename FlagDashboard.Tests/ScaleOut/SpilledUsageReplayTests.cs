using FlagDashboard.Core.Data;
using FlagDashboard.Core.Usage;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.Tests.Usage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>Counts spilled to the shared database while InfluxDB was down are replayed once, by one instance.</summary>
public sealed class SpilledUsageReplayTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoInstancesReplayingTheSameSpilledCountsWriteEachCountOnce()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero));
        var store = new RecordingStore { Failing = true };
        var stopped = new UsageCounters(clock);
        var stopping = Flushing(stopped, store, database, clock);
        for (var minute = 0; minute < 6; minute++)
        {
            for (var i = 0; i < 50; i++)
            {
                stopped.RecordApiCall(EmbeddedUsageStoreTests.Call(SdkResource.Flags, 2));
            }

            // A final flush that cannot write spills everything to the database.
            Assert.False(await stopping.FlushAsync(final: true, Cancel));
            clock.Advance(TimeSpan.FromMinutes(1));
        }

        store.Failing = false;
        var a = Flushing(new UsageCounters(clock), store, database, clock);
        var b = Flushing(new UsageCounters(clock), store, database, clock);
        // The race forced, not hoped for: A has claimed the rows and is inside the store's write when B starts, and
        // A's write finishes only once B is blocked on A's claim (or B reached the store itself, which is the bug).
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeWrite = () => release.Task;
        var first = a.FlushAsync(final: false, Cancel);
        await Eventually.TrueAsync(() => store.WritesStarted == 1, "instance A to claim the spilled counts and start writing them");
        var second = b.FlushAsync(final: false, Cancel);
        await Eventually.TrueAsync(async () => store.WritesStarted > 1 || second.IsCompleted || await BackendsWaitingOnALockAsync(database) > 0,
            "instance B to wait for A's claim");
        release.SetResult();
        await Task.WhenAll(first, second);

        Assert.Equal(300, store.Total);
        await using var db = database.CreateDbContext();
        Assert.Empty(await db.PendingUsage.ToListAsync(Cancel));
    }

    private static async Task<int> BackendsWaitingOnALockAsync(TestDatabase database)
    {
        await using var db = database.CreateDbContext();
        return await db.Database.SqlQueryRaw<int>("SELECT count(*)::int AS \"Value\" FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()").SingleAsync(Cancel);
    }

    private static UsageFlushing Flushing(UsageCounters counters, IUsageStore store, TestDatabase database, TimeProvider clock) =>
        new(counters, store, database, Options.Create(new UsageOptions()), clock, NullLogger<UsageFlushing>.Instance);

    /// <summary>An external store that adds up what it is given, and can hold a write open to force an overlap.</summary>
    private sealed class RecordingStore : IUsageStore
    {
        private long _total;
        private int _writesStarted;

        public Func<Task>? BeforeWrite { get; set; }

        public int WritesStarted => Volatile.Read(ref _writesStarted);

        public bool Failing { get; set; }

        public long Total => Interlocked.Read(ref _total);

        public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public TimeSpan Retention(UsageWindow window) => new UsageRetentionOptions().For(window);

        public async Task WriteAsync(IReadOnlyList<UsageBatch> batches, CancellationToken cancellationToken)
        {
            if (Failing)
            {
                throw new HttpRequestException("The usage store is down.");
            }

            Interlocked.Increment(ref _writesStarted);
            if (BeforeWrite is { } gate)
            {
                await gate().WaitAsync(cancellationToken);
            }

            Interlocked.Add(ref _total, batches.Sum(b => b.ApiCalls.Values.Sum() + b.Evaluations.Values.Sum()));
        }

        public Task<IReadOnlyList<UsageLine>> QueryAsync(UsageQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<UsageLine>>([]);

        public Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<UsageTotal>>([]);

        public Task<IReadOnlyList<FeatureLastEvaluation>> LastEvaluationsAsync(int organisationId, int projectId, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<FeatureLastEvaluation>>([]);
    }
}
