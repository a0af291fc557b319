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
/// The embedded store's chart queries over 90 days of evaluations of 50 flags in 3 environments, in the
/// tables as flushes and roll-ups leave them, at every zoom of the usage page and over 730 days,
/// each with the window and step the query service would choose: median and worst of 20 runs, the process's
/// CPU time per run (what a query costs however busy the machine is), and points per line. Then the cost of
/// flushing 10,000 distinct series in one batch.
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
            var rows = await SeedAsync(factory, options.Value);
            Console.WriteLine($"Seeded {rows:N0} rows over 90 days ({Features} flags x {Environments} environments, every window of every tier) in {seeding.Elapsed.TotalSeconds:F0} s");
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

            var queries = zooms.SelectMany(z => shapes.Select(shape =>
            {
                var plan = UsageSteps.Choose(End - z.Range, End, End, options.Value.Retention.For);
                var query = new UsageQuery(UsageMetric.FlagEvaluations, 1, 1, shape.Environment, shape.Feature, plan.From, plan.To, plan.Window, shape.Grouping) { Step = plan.Step };
                return (Zoom: z.Name, Shape: shape.Name, Query: query);
            })).ToList();

            // One pass over every query first: the JIT's tiering and the page cache are then done before timing starts.
            foreach (var (_, _, query) in queries)
            {
                await store.QueryAsync(query, CancellationToken.None);
            }

            Console.WriteLine($"{"zoom",-6} {"query",-28} {"window",6} {"step",5} {"points/line",12} {"lines",6} {"median",10} {"worst",10} {"CPU/run",10}");
            foreach (var (zoom, shape, query) in queries)
            {
                IReadOnlyList<UsageLine> lines = [];
                var times = new List<double>();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                for (var i = 0; i < Runs; i++)
                {
                    var stopwatch = Stopwatch.StartNew();
                    lines = await store.QueryAsync(query, CancellationToken.None);
                    times.Add(stopwatch.Elapsed.TotalMilliseconds);
                }

                var cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / Runs;
                times.Sort();
                Console.WriteLine($"{zoom,-6} {shape,-28} {query.Window.Label(),6} {UsageWindows.StepLabel(query.Step),5} {lines[0].Points.Count,12:N0} {lines.Count,6} {times[Runs / 2],7:F1} ms {times[^1],7:F1} ms {cpu,7:F1} ms");
            }

            await ReadCostAsync(factory, queries.Where(q => q.Shape == shapes[0].Name).ToList());
            FluxBuilderCost(zooms, shapes);
            RecorderCost();
            await FlushCostAsync(store);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// Where a chart query's time goes: its window's rows read through ADO.NET and dropped (SQLite and the
    /// reader), against the same rows summed in SQLite per step (GROUP BY an expression sorts them).
    /// </summary>
    private static async Task ReadCostAsync(IDbContextFactory<FlagDashboardDbContext> factory, List<(string Zoom, string Shape, UsageQuery Query)> queries)
    {
        Console.WriteLine($"{"zoom",-6} {"rows",8} {"read, CPU/run",14} {"GROUP BY step, CPU/run",24}");
        await using var db = await factory.CreateDbContextAsync();
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync();
        foreach (var (zoom, _, query) in queries)
        {
            var where = $"FROM \"UsageProjectEvaluationCounts\" WHERE \"Window\" = {(int)query.Window} AND \"OrganisationId\" = 1 AND \"ProjectId\" = 1 AND \"WindowStart\" >= {query.From.UtcTicks} AND \"WindowStart\" < {query.To.UtcTicks}";
            var rows = 0L;
            var read = await CpuPerRunAsync(async () =>
            {
                rows = 0;
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT \"WindowStart\", \"FeatureId\", \"Count\" {where}";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                    rows += reader.GetInt64(0) + reader.GetInt32(1) + reader.GetInt64(2) > 0 ? 1 : 0;
                }
            });
            var grouped = await CpuPerRunAsync(async () =>
            {
                await using var command = connection.CreateCommand();
                command.CommandText = $"SELECT \"WindowStart\" - (\"WindowStart\" % {query.StepLength.Ticks}) AS b, \"FeatureId\", SUM(\"Count\") {where} GROUP BY b, \"FeatureId\"";
                await using var reader = await command.ExecuteReaderAsync();
                while (await reader.ReadAsync())
                {
                }
            });
            Console.WriteLine($"{zoom,-6} {rows,8:N0} {read,11:F1} ms {grouped,21:F1} ms");
        }
    }

    /// <summary>
    /// The InfluxDB store's Flux for the same zooms (its own windows and steps: InfluxDB keeps 1-hour points
    /// for 730 days), built as the store builds it with a live tail: time and bytes per query built. The
    /// wire test InfluxFluxTests sends these to the recording listener and reads them with InfluxData's parser.
    /// </summary>
    private static void FluxBuilderCost((string Name, TimeSpan Range)[] zooms, (string Name, int? Environment, int? Feature, UsageGrouping Grouping)[] shapes)
    {
        var options = new FlagDashboard.Core.Usage.InfluxDb.InfluxUsageOptions { Url = "http://127.0.0.1:8086", Token = "t", Organisation = "acme", Instance = "bench" };
        var retention = (UsageWindow w) => w switch
        {
            UsageWindow.OneMinute => options.OneMinuteRetention,
            UsageWindow.FifteenMinutes => options.FifteenMinutesRetention,
            _ => options.OneHourRetention,
        };
        Console.WriteLine($"{"zoom",-6} {"Flux (InfluxDB)",-28} {"window",6} {"step",5} {"points/line",12} {"build",10} {"bytes",8} {"chars",6}");
        foreach (var (zoom, range) in zooms)
        {
            var plan = UsageSteps.Choose(End - range, End, End, retention);
            foreach (var (shape, environment, feature, grouping) in shapes)
            {
                var query = new UsageQuery(UsageMetric.FlagEvaluations, 1, 1, environment, feature, plan.From, plan.To, plan.Window, grouping) { Step = plan.Step };
                var flux = FlagDashboard.Core.Usage.InfluxDb.InfluxFlux.Query(options, query, End - TimeSpan.FromMinutes(2));
                const int Builds = 20_000;
                var bytes = GC.GetAllocatedBytesForCurrentThread();
                var stopwatch = Stopwatch.StartNew();
                for (var i = 0; i < Builds; i++)
                {
                    flux = FlagDashboard.Core.Usage.InfluxDb.InfluxFlux.Query(options, query, End - TimeSpan.FromMinutes(2));
                }

                var micros = stopwatch.Elapsed.TotalMicroseconds / Builds;
                var allocated = (GC.GetAllocatedBytesForCurrentThread() - bytes) / Builds;
                Console.WriteLine($"{zoom,-6} {shape,-28} {plan.Window.Label(),6} {UsageWindows.StepLabel(plan.Step),5} {plan.Points,12:N0} {micros,7:F1} µs {allocated,8:N0} {flux.Length,6:N0}");
            }
        }
    }

    /// <summary>The recorder on the SDK path: one API call recorded (a key already counted this minute), time and bytes per call on one thread.</summary>
    private static void RecorderCost()
    {
        var counters = new UsageCounters(TimeProvider.System);
        var calls = Enumerable.Range(0, 64).Select(i => new ApiCall(1, 1 + (i % 4), 1 + (i % 16), (SdkResource)(i % 5), i % 7 == 0 ? 4 : 2)).ToArray();
        const int Calls = 5_000_000;
        for (var i = 0; i < 100_000; i++)
        {
            counters.RecordApiCall(calls[i & 63]);
        }

        var bytes = GC.GetAllocatedBytesForCurrentThread();
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Calls; i++)
        {
            counters.RecordApiCall(calls[i & 63]);
        }

        var nanos = stopwatch.Elapsed.TotalNanoseconds / Calls;
        var allocated = (double)(GC.GetAllocatedBytesForCurrentThread() - bytes) / Calls;
        Console.WriteLine($"Recorder on the SDK path: {nanos:F0} ns and {allocated:F2} bytes per recorded API call (one thread; BenchmarkDotNet: UsageRecorderBenchmarks)");
    }

    private static async Task<double> CpuPerRunAsync(Func<Task> run)
    {
        await run();
        var before = Process.GetCurrentProcess().TotalProcessorTime;
        for (var i = 0; i < Runs; i++)
        {
            await run();
        }

        return (Process.GetCurrentProcess().TotalProcessorTime - before).TotalMilliseconds / Runs;
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

    /// <summary>
    /// Every window of every tier as the flushes and roll-ups leave them after 90 days (1-minute rows for the
    /// 1-minute retention, 15-minute, 1-hour and 1-day rows for 90 days, by environment and by project),
    /// inserted by SQL in bulk: writing 90 days through flushes takes hours on a small machine, and the flush
    /// path is timed on its own below.
    /// </summary>
    private static async Task<long> SeedAsync(IDbContextFactory<FlagDashboardDbContext> factory, UsageOptions options)
    {
        await using var db = await factory.CreateDbContextAsync();
        db.Database.SetCommandTimeout(TimeSpan.FromMinutes(10));
        var rows = 0L;
        foreach (var window in UsageWindows.All)
        {
            var length = window.Length().Ticks;
            var from = window.Floor(End - Min(options.Retention.For(window), TimeSpan.FromDays(90))).UtcTicks;
            rows += await db.Database.ExecuteSqlRawAsync(
                """
                WITH RECURSIVE t(s) AS (SELECT {0} UNION ALL SELECT s + {1} FROM t WHERE s + {1} < {2}),
                    f(id) AS (SELECT 0 UNION ALL SELECT id + 1 FROM f WHERE id < {3}),
                    e(id) AS (SELECT 1 UNION ALL SELECT id + 1 FROM e WHERE id < {4})
                INSERT INTO "UsageEvaluationCounts" ("Window", "OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "FeatureId", "Count")
                SELECT {5}, 1, 1, e.id, t.s, f.id, 1 + ((t.s / 600000000 + f.id + e.id) % 9) FROM t, f, e
                """,
                [from, length, End.UtcTicks, Features - 1, Environments, (int)window]);
            rows += await db.Database.ExecuteSqlRawAsync(
                """
                INSERT INTO "UsageProjectEvaluationCounts" ("Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId", "Count")
                SELECT "Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId", SUM("Count") FROM "UsageEvaluationCounts"
                WHERE "Window" = {0} GROUP BY "Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId"
                """,
                [(int)window]);
        }

        return rows;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
