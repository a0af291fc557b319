using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.InfluxDb;
using InfluxDB.Client;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage.InfluxDb;

/// <summary>
/// The store against a real InfluxDB 2 (OSS or Cloud). Runs only when INFLUX_URL, INFLUX_TOKEN and
/// INFLUX_ORG are set (a token that may create and delete buckets and tasks); uses buckets and tasks under
/// a unique prefix and deletes them afterwards. The round trip waits for the server's own 1 m task, so it
/// takes up to about two minutes.
/// </summary>
public sealed class InfluxUsageStoreLiveTests
{
    private const string HowToRun = "Live InfluxDB 2 tests: set INFLUX_URL (e.g. http://localhost:8086), INFLUX_TOKEN (all-access) and INFLUX_ORG (the organisation name) to run them.";

    [Fact]
    public async Task InitializationIsIdempotentOnARealServer()
    {
        var options = LiveOptions();
        try
        {
            using (var store = new InfluxUsageStore(Options.Create(options), TimeProvider.System))
            {
                await store.InitializeAsync(TestContext.Current.CancellationToken);
                await store.InitializeAsync(TestContext.Current.CancellationToken);
            }

            using var client = Client(options);
            var buckets = (await client.GetBucketsApi().FindBucketsAsync(org: options.Organisation, limit: 100, cancellationToken: TestContext.Current.CancellationToken))
                .Where(b => b.Name.StartsWith(options.BucketPrefix + "_", StringComparison.Ordinal)).ToList();
            Assert.Equal(4, buckets.Count);
            Assert.Equal(86_400L, buckets.Single(b => b.Name == options.BucketPrefix + "_raw").RetentionRules.Single().EverySeconds);
            var tasks = (await client.GetTasksApi().FindTasksAsync(org: options.Organisation, cancellationToken: TestContext.Current.CancellationToken))
                .Where(t => t.Name.StartsWith(options.BucketPrefix + "_", StringComparison.Ordinal)).ToList();
            Assert.Equal(3, tasks.Count);
        }
        finally
        {
            await CleanUpAsync(options);
        }
    }

    [Fact]
    public async Task WritesFromTwoFlushesAndTwoInstancesAddUpInTheOneMinuteWindow()
    {
        var options = LiveOptions();
        var second = LiveOptions();
        second.BucketPrefix = options.BucketPrefix;
        second.Instance = options.Instance + "-b";
        const int FeatureId = 4242;
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            using var store = new InfluxUsageStore(Options.Create(options), TimeProvider.System);
            using var other = new InfluxUsageStore(Options.Create(second), TimeProvider.System);
            await store.InitializeAsync(cancellationToken);
            var now = DateTimeOffset.UtcNow;
            var minute = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-1);
            var call = new ApiCall(1, 2, 3, SdkResource.Flags, 2);
            var evaluation = new EvaluationKey(1, 2, 3, FeatureId);
            await store.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long> { [call] = 5 }, new Dictionary<EvaluationKey, long> { [evaluation] = 4 })], cancellationToken);
            await store.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long> { [call] = 3 }, new Dictionary<EvaluationKey, long>())], cancellationToken);
            await other.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long> { [call] = 2 }, new Dictionary<EvaluationKey, long> { [evaluation] = 1 })], cancellationToken);

            var calls = new UsageQuery(UsageMetric.ApiCalls, 1, 2, 3, null, minute.AddMinutes(-2), minute.AddMinutes(2), UsageWindow.OneMinute, UsageGrouping.Resource);
            var evaluations = calls with { Metric = UsageMetric.FlagEvaluations, FeatureId = FeatureId, Grouping = UsageGrouping.Feature };
            IReadOnlyList<UsageLine> lines = [];
            for (var deadline = DateTime.UtcNow.AddMinutes(3); DateTime.UtcNow < deadline; await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken))
            {
                lines = await store.QueryAsync(calls, cancellationToken);
                if (lines.Sum(l => l.Total) >= 10)
                {
                    break;
                }
            }

            var flags = Assert.Single(lines);
            Assert.Equal("flags", flags.Key);
            Assert.Equal([0L, 0, 10, 0], flags.Points.Select(p => p.Count));
            Assert.Equal(minute, flags.Points[2].Time);
            var feature = Assert.Single(await store.QueryAsync(evaluations, cancellationToken));
            Assert.Equal("4242", feature.Key);
            Assert.Equal(5, feature.Total);
        }
        finally
        {
            await CleanUpAsync(options);
        }
    }

    [Fact]
    public async Task LateCountsOfTwoInstancesBecomeOneSeriesWithoutInstanceInTheDownsampledBucketsAndTheTasksAreHealthy()
    {
        var options = LiveOptions();
        var second = LiveOptions();
        second.BucketPrefix = options.BucketPrefix;
        second.Instance = "live-test-2";
        var cancellationToken = TestContext.Current.CancellationToken;
        try
        {
            using var store = new InfluxUsageStore(Options.Create(options), TimeProvider.System);
            using var other = new InfluxUsageStore(Options.Create(second), TimeProvider.System);
            await store.InitializeAsync(cancellationToken);
            var now = DateTimeOffset.UtcNow;
            // Older than the 1-minute task re-reads: the app rolls these windows up itself.
            var minute = new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero).AddMinutes(-5);
            var call = new ApiCall(1, 2, 3, SdkResource.Flags, 2);
            await store.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long> { [call] = 5 }, new Dictionary<EvaluationKey, long>())], cancellationToken);
            await other.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long> { [call] = 2 }, new Dictionary<EvaluationKey, long>())], cancellationToken);

            using var client = Client(options);
            var tables = await client.GetQueryApi().QueryAsync(
                $"from(bucket: \"{options.BucketPrefix}_1m\") |> range(start: -1h) |> filter(fn: (r) => r._measurement == \"api_calls\")", options.Organisation, cancellationToken);
            var table = Assert.Single(tables);
            Assert.DoesNotContain(table.Columns, c => c.Label == "instance");
            Assert.Equal(7L, Convert.ToInt64(Assert.Single(table.Records).GetValue(), System.Globalization.CultureInfo.InvariantCulture));

            await store.ReconcileAsync(cancellationToken);
            Assert.Equal(3, store.TaskHealth.Count);
            Assert.DoesNotContain(store.TaskHealth, h => h.LastRun == UsageTaskHealth.Missing);
        }
        finally
        {
            await CleanUpAsync(options);
        }
    }

    private static InfluxUsageOptions LiveOptions()
    {
        var url = System.Environment.GetEnvironmentVariable("INFLUX_URL");
        var token = System.Environment.GetEnvironmentVariable("INFLUX_TOKEN");
        var organisation = System.Environment.GetEnvironmentVariable("INFLUX_ORG");
        Assert.SkipWhen(string.IsNullOrEmpty(url) || string.IsNullOrEmpty(token) || string.IsNullOrEmpty(organisation), HowToRun);
        var options = new InfluxUsageOptions
        {
            Url = url!,
            Token = token!,
            Organisation = organisation!,
            BucketPrefix = $"fdtest_{Guid.NewGuid():N}"[..20],
            Instance = "live-test",
        };
        var validation = new InfluxUsageOptionsValidator().Validate(null, options);
        Assert.True(validation.Succeeded, validation.FailureMessage);
        return options;
    }

    private static InfluxDBClient Client(InfluxUsageOptions options) => new(options.Url, options.Token);

    private static async Task CleanUpAsync(InfluxUsageOptions options)
    {
        using var client = Client(options);
        var prefix = options.BucketPrefix + "_";
        foreach (var task in (await client.GetTasksApi().FindTasksAsync(org: options.Organisation)).Where(t => t.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await client.GetTasksApi().DeleteTaskAsync(task.Id);
        }

        foreach (var bucket in (await client.GetBucketsApi().FindBucketsAsync(org: options.Organisation, limit: 100)).Where(b => b.Name.StartsWith(prefix, StringComparison.Ordinal)))
        {
            await client.GetBucketsApi().DeleteBucketAsync(bucket.Id);
        }
    }
}
