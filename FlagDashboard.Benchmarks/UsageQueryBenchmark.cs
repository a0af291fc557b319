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
/// The embedded store's chart queries over 90 days of evaluations of 50 flags in 3 environments, written
/// as flushes write them (1-minute rows) and rolled up, at every zoom of the usage page and over 730 days,
/// each with the window and step the query service would choose: median and worst of 20 runs, and points
/// per line. Then the cost of flushing 10,000 distinct series in one batch.
/// </summary>
internal static class UsageQueryBenchmark
{
    private const int Features = 50;
    private const int Environments = 3;
    private const int Runs = 20;
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
            var clock = new FixedClock(End);
            var store = new EmbeddedUsageStore(factory, options, clock);

            var seeding = Stopwatch.StartNew();
            var rows = await SeedAsync(store);
            await store.PruneAsync(CancellationToken.None);
            Console.WriteLine($"Seeded {rows:N0} 1-minute counts over 90 days ({Features} flags x {Environments} environments), rolled up and pruned, in {seeding.Elapsed.TotalSeconds:F0} s");
            await using (var db = await factory.CreateDbContextAsync())
            {
                Console.WriteLine($"Rows: {await db.UsageEvaluations.CountAsync():N0} by environment, {await db.UsageProjectEvaluations.CountAsync():N0} by project; database {new FileInfo(Path.Combine(directory, "usage.db")).Length / 1024 / 1024} MB");
            }

            var zooms = new (string Name, TimeSpan Range)[]
            {
                ("1 h", TimeSpan.FromHours(1)), ("6 h", TimeSpan.FromHours(6)), ("24 h", TimeSpan.FromHours(24)),
                ("7 d", TimeSpan.FromDays(7)), ("30 d", TimeSpan.FromDays(30)), ("90 d", TimeSpan.FromDays(90)), ("730 d", TimeSpan.FromDays(730)),
            };
            var shapes = new (string Name, int? Environment, int? Feature, UsageGrouping Grouping)[]
            {
                ("project, by feature", null, null, UsageGrouping.Feature),
                ("one environment, by feature", 2, null, UsageGrouping.Feature),
                ("one feature, by environment", null, 7, UsageGrouping.Environment),
            };

            Console.WriteLine($"{"zoom",-6} {"query",-28} {"window",6} {"step",5} {"points/line",12} {"lines",6} {"median",10} {"worst",10}");
            foreach (var (zoom, range) in zooms)
            {
                var plan = UsageSteps.Choose(End - range, End, End, options.Value.Retention.For);
                foreach (var (shape, environment, feature, grouping) in shapes)
                {
                    var query = new UsageQuery(UsageMetric.FlagEvaluations, 1, 1, environment, feature, plan.From, plan.To, plan.Window, grouping) { Step = plan.Step };
                    var lines = await store.QueryAsync(query, CancellationToken.None);
                    var times = new List<double>();
                    for (var i = 0; i < Runs; i++)
                    {
                        var stopwatch = Stopwatch.StartNew();
                        lines = await store.QueryAsync(query, CancellationToken.None);
                        times.Add(stopwatch.Elapsed.TotalMilliseconds);
                    }

                    times.Sort();
                    Console.WriteLine($"{zoom,-6} {shape,-28} {plan.Window.Label(),6} {UsageWindows.StepLabel(plan.Step),5} {lines[0].Points.Count,12:N0} {lines.Count,6} {times[Runs / 2],7:F1} ms {times[^1],7:F1} ms");
                }
            }

            await FlushCostAsync(store);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>One flush of 10,000 distinct series (evaluations of 10,000 feature/environment pairs in one minute), ledger and roll-up queue included.</summary>
    private static async Task FlushCostAsync(EmbeddedUsageStore store)
    {
        var times = new List<double>();
        for (var run = 0; run < 10; run++)
        {
            var evaluations = new Dictionary<EvaluationKey, long>();
            for (var series = 0; series < 10_000; series++)
            {
                evaluations[new EvaluationKey(2, 2, 100 + (series % 10), 1000 + (series / 10))] = 1 + run;
            }

            var batch = new UsageBatch(End - TimeSpan.FromMinutes(run + 1), new Dictionary<ApiCall, long>(), evaluations);
            var stopwatch = Stopwatch.StartNew();
            await store.WriteAsync([batch], CancellationToken.None);
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        Console.WriteLine($"Flush of 10,000 distinct series: median {times[5]:F0} ms, worst {times[^1]:F0} ms");
    }

    /// <summary>Every minute of the last 2 days, every 15 minutes before that (as flushes would have written them), then rolled up.</summary>
    private static async Task<long> SeedAsync(EmbeddedUsageStore store)
    {
        var written = 0L;
        var batches = new List<UsageBatch>();
        for (var minute = End - TimeSpan.FromDays(90); minute < End;)
        {
            var recent = minute >= End - TimeSpan.FromDays(2);
            var evaluations = new Dictionary<EvaluationKey, long>();
            for (var environment = 1; environment <= Environments; environment++)
            {
                for (var feature = 0; feature < Features; feature++)
                {
                    evaluations[new EvaluationKey(1, 1, environment, feature)] = 1 + ((minute.Minute + feature + environment) % 9);
                }
            }

            batches.Add(new UsageBatch(minute, new Dictionary<ApiCall, long>(), evaluations));
            written += evaluations.Count;
            minute += recent ? TimeSpan.FromMinutes(1) : TimeSpan.FromMinutes(15);
            if (batches.Count == 100)
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
