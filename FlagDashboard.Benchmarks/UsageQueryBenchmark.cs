using System.Diagnostics;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Benchmarks;

/// <summary>
/// The embedded store's chart queries over 90 days of evaluations of 50 flags in 3 environments (every
/// window written as the flusher writes it), timed with a Stopwatch: median and worst of 20 runs per zoom.
/// </summary>
internal static class UsageQueryBenchmark
{
    private const int Features = 50;
    private const int Environments = 3;
    private static readonly DateTimeOffset End = UsageWindow.OneHour.Floor(DateTimeOffset.UtcNow);

    public static async Task RunAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "flagdashboard-usage-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            var factory = new PooledDbContextFactory<FlagDashboardDbContext>(new DbContextOptionsBuilder<FlagDashboardDbContext>()
                .UseSqlite($"Data Source={Path.Combine(directory, "usage.db")}").Options);
            await DatabaseInitializer.MigrateAsync(factory, NullLogger.Instance);
            var options = Options.Create(new UsageOptions());
            var store = new EmbeddedUsageStore(factory, options, new FixedClock(End));

            var seeding = Stopwatch.StartNew();
            var rows = await SeedAsync(store);
            Console.WriteLine($"Seeded {rows:N0} counts over 90 days ({Features} flags x {Environments} environments) in {seeding.Elapsed.TotalSeconds:F0} s");
            await using (var db = await factory.CreateDbContextAsync())
            {
                Console.WriteLine($"Rows: {await db.UsageEvaluations.CountAsync():N0} evaluation rows, database {new FileInfo(Path.Combine(directory, "usage.db")).Length / 1024 / 1024} MB");
            }

            var queries = new (string Name, TimeSpan Range, UsageGrouping Grouping, string? Feature)[]
            {
                ("last hour, 1m windows, by feature", TimeSpan.FromHours(1), UsageGrouping.Feature, null),
                ("last 6 h, 1m windows, one feature by environment", TimeSpan.FromHours(6), UsageGrouping.Environment, "flag_7"),
                ("last 24 h, 15m windows, by feature", TimeSpan.FromHours(24), UsageGrouping.Feature, null),
                ("last 7 d, 15m windows, by environment", TimeSpan.FromDays(7), UsageGrouping.Environment, null),
                ("last 30 d, 1h windows, by feature", TimeSpan.FromDays(30), UsageGrouping.Feature, null),
                ("last 90 d, 1h windows, by feature", TimeSpan.FromDays(90), UsageGrouping.Feature, null),
                ("last 90 d, 1h windows, one feature by environment", TimeSpan.FromDays(90), UsageGrouping.Environment, "flag_7"),
            };

            foreach (var (name, range, grouping, feature) in queries)
            {
                var window = options.Value.Windows.Choose(range);
                var query = new UsageQuery(UsageMetric.FlagEvaluations, 1, null, null, feature, window.Floor(End - range), End, window, grouping);
                await store.QueryAsync(query, CancellationToken.None);
                var times = new List<double>();
                var points = 0;
                for (var i = 0; i < 20; i++)
                {
                    var stopwatch = Stopwatch.StartNew();
                    var lines = await store.QueryAsync(query, CancellationToken.None);
                    times.Add(stopwatch.Elapsed.TotalMilliseconds);
                    points = lines.Sum(l => l.Points.Count);
                }

                times.Sort();
                Console.WriteLine($"{name,-52} median {times[10],7:F1} ms   worst {times[^1],7:F1} ms   {points:N0} points");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Every minute of the last 7 days (the 1m retention) and every 15 minutes before that, as flushes would have written them.</summary>
    private static async Task<long> SeedAsync(EmbeddedUsageStore store)
    {
        var written = 0L;
        var batches = new List<UsageBatch>();
        for (var minute = End - TimeSpan.FromDays(90); minute < End;)
        {
            var recent = minute >= End - TimeSpan.FromDays(7);
            var evaluations = new Dictionary<EvaluationKey, long>();
            for (var environment = 1; environment <= Environments; environment++)
            {
                for (var feature = 0; feature < Features; feature++)
                {
                    evaluations[new EvaluationKey(1, 1, environment, $"flag_{feature}")] = 1 + ((minute.Minute + feature + environment) % 9);
                }
            }

            batches.Add(new UsageBatch(minute, new Dictionary<ApiCall, long>(), evaluations));
            written += evaluations.Count;
            minute += recent ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(15);
            if (batches.Count == 60)
            {
                await store.WriteAsync(batches, CancellationToken.None);
                batches.Clear();
            }
        }

        await store.WriteAsync(batches, CancellationToken.None);
        return written;
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
