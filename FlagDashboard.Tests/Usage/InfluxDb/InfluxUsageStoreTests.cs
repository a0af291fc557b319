using System.Text.Json.Nodes;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.InfluxDb;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage.InfluxDb;

/// <summary>The store against a recording stand-in for InfluxDB 2: what goes over the wire, and what comes back.</summary>
public sealed class InfluxUsageStoreTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Minute = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
    private static readonly long MinuteNs = Minute.ToUnixTimeMilliseconds() * 1_000_000;
    private readonly ManualClock _clock = new(Minute.AddSeconds(70.5));
    private FakeInfluxServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await FakeInfluxServer.StartAsync();

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task InitializationOnAnEmptyServerCreatesTheFourBucketsWithTheirRetentionsAndTheThreeTasks()
    {
        using var store = CreateStore();

        await store.InitializeAsync(TestContext.Current.CancellationToken);

        var buckets = _server.RequestsTo("POST", "/api/v2/buckets").Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(
            [("flagdashboard_raw", 86_400L), ("flagdashboard_1m", 604_800L), ("flagdashboard_15m", 7_776_000L), ("flagdashboard_1h", 63_072_000L)],
            buckets.Select(b => ((string)b["name"]!, (long)b["retentionRules"]![0]!["everySeconds"]!)));
        Assert.All(buckets, b => Assert.Equal(FakeInfluxServer.OrganisationId, (string?)b["orgID"]));
        Assert.All(buckets, b => Assert.Equal("expire", (string?)b["retentionRules"]![0]!["type"]));

        var tasks = _server.RequestsTo("POST", "/api/v2/tasks").Select(r => JsonNode.Parse(r.Body)!).ToList();
        Assert.Equal(3, tasks.Count);
        Assert.All(tasks, t => Assert.Equal(FakeInfluxServer.OrganisationId, (string?)t["orgID"]));
        Assert.All(tasks, t => Assert.Equal("active", (string?)t["status"]));
        Assert.Equal(
            [("flagdashboard_raw_to_1m", "1m"), ("flagdashboard_1m_to_15m", "15m"), ("flagdashboard_15m_to_1h", "1h")],
            _server.Tasks.Values.Select(t => ((string)t["name"]!, (string)t["every"]!)));
        Assert.Equal(
            """
            option task = {name: "flagdashboard_raw_to_1m", every: 1m, offset: 20s}

            from(bucket: "flagdashboard_raw")
                |> range(start: -2m)
                |> filter(fn: (r) => (r._measurement == "api_calls" or r._measurement == "flag_evaluations") and r._field == "count")
                |> aggregateWindow(every: 1m, fn: sum, createEmpty: false, timeSrc: "_start")
                |> group(columns: ["instance", "_value"], mode: "except")
                |> sum()
                |> to(bucket: "flagdashboard_1m")

            """,
            (string)tasks[0]["flux"]!);
        Assert.Contains("""from(bucket: "flagdashboard_1m")""", (string)tasks[1]["flux"]!);
        // Each coarser task runs after the finer runs it reads (offsets), so it reads its own window only.
        Assert.Contains("every: 15m, offset: 100s}", (string)tasks[1]["flux"]!);
        Assert.Contains("|> range(start: -15m)", (string)tasks[1]["flux"]!);
        Assert.Contains("|> aggregateWindow(every: 15m, fn: sum, createEmpty: false, timeSrc: \"_start\")", (string)tasks[1]["flux"]!);
        Assert.Contains("""to(bucket: "flagdashboard_15m")""", (string)tasks[1]["flux"]!);
        Assert.Contains("""from(bucket: "flagdashboard_15m")""", (string)tasks[2]["flux"]!);
        Assert.Contains("every: 1h, offset: 2m}", (string)tasks[2]["flux"]!);
        Assert.Contains("|> range(start: -1h)", (string)tasks[2]["flux"]!);
        Assert.Contains("""to(bucket: "flagdashboard_1h")""", (string)tasks[2]["flux"]!);
    }

    [Fact]
    public async Task ASecondInitializationAgainstThePopulatedServerCreatesAndChangesNothing()
    {
        using (var first = CreateStore())
        {
            await first.InitializeAsync(TestContext.Current.CancellationToken);
        }

        _server.ClearRequests();
        using var second = CreateStore();
        await second.InitializeAsync(TestContext.Current.CancellationToken);

        Assert.DoesNotContain(_server.Requests, r => r.Method != "GET");
        Assert.Equal(
            ["flagdashboard_raw", "flagdashboard_1m", "flagdashboard_15m", "flagdashboard_1h"],
            _server.RequestsTo("GET", "/api/v2/buckets").Select(r => r.Query["name"]));
        Assert.Equal(
            ["flagdashboard_raw_to_1m", "flagdashboard_1m_to_15m", "flagdashboard_15m_to_1h"],
            _server.RequestsTo("GET", "/api/v2/tasks").Select(r => r.Query["name"]));
        Assert.All(_server.RequestsTo("GET", "/api/v2/buckets").Concat(_server.RequestsTo("GET", "/api/v2/tasks")), r => Assert.Equal(FakeInfluxServer.OrganisationId, r.Query["orgID"]));
        Assert.Equal("acme", Assert.Single(_server.RequestsTo("GET", "/api/v2/orgs")).Query["org"]);
        Assert.All(_server.Requests, r => Assert.Equal("Token test-token", r.Authorization));
        Assert.Equal(4, _server.Buckets.Count);
        Assert.Equal(3, _server.Tasks.Count);
    }

    [Fact]
    public async Task AChangedRetentionPatchesOnlyThatBucket()
    {
        using (var first = CreateStore())
        {
            await first.InitializeAsync(TestContext.Current.CancellationToken);
        }

        _server.ClearRequests();
        using var second = CreateStore(o => o.FifteenMinutesRetention = TimeSpan.FromDays(30));
        await second.InitializeAsync(TestContext.Current.CancellationToken);

        var patch = Assert.Single(_server.RequestsTo("PATCH", "/api/v2/buckets/"));
        var bucket = _server.Buckets.Values.Single(b => (string?)b["name"] == "flagdashboard_15m");
        Assert.Equal($"/api/v2/buckets/{bucket["id"]}", patch.Path);
        Assert.Equal(2_592_000L, (long)JsonNode.Parse(patch.Body)!["retentionRules"]![0]!["everySeconds"]!);
        Assert.Equal(2_592_000L, (long)bucket["retentionRules"]![0]!["everySeconds"]!);
        Assert.Empty(_server.RequestsTo("POST", "/api/v2/"));
        Assert.Empty(_server.RequestsTo("PATCH", "/api/v2/tasks/"));
    }

    [Fact]
    public async Task AChangedTaskScriptPatchesTheTasksWhoseFluxDiffers()
    {
        using (var first = CreateStore())
        {
            await first.InitializeAsync(TestContext.Current.CancellationToken);
        }

        _server.ClearRequests();
        using var second = CreateStore(o => o.LatePointTolerance = TimeSpan.FromMinutes(10));
        await second.InitializeAsync(TestContext.Current.CancellationToken);

        // 10 minutes late: the 1 m task now reads back 11m, and the coarser tasks run later to follow it.
        var patches = _server.RequestsTo("PATCH", "/api/v2/tasks/");
        var task = _server.Tasks.Values.Single(t => (string?)t["name"] == "flagdashboard_raw_to_1m");
        Assert.Equal(3, patches.Count);
        Assert.Equal($"/api/v2/tasks/{task["id"]}", patches[0].Path);
        Assert.Contains("|> range(start: -11m)", (string)JsonNode.Parse(patches[0].Body)!["flux"]!);
        Assert.Contains("|> range(start: -11m)", (string)task["flux"]!);
        Assert.Empty(_server.RequestsTo("POST", "/api/v2/"));
        Assert.Empty(_server.RequestsTo("PATCH", "/api/v2/buckets/"));
    }

    [Fact]
    public async Task AWriteSendsOneBatchOfLineProtocolToTheRawBucket()
    {
        using var store = CreateStore();
        var batch = new UsageBatch(
            Minute,
            new Dictionary<ApiCall, long>
            {
                [new ApiCall(1, 2, 3, SdkResource.Flags, 2)] = 12,
                [new ApiCall(null, null, null, SdkResource.EnvironmentDocument, 4)] = 1,
            },
            new Dictionary<EvaluationKey, long> { [new EvaluationKey(1, 2, 3, 42)] = 7 });

        await store.WriteAsync([batch, new UsageBatch(Minute.AddMinutes(1), new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);

        var write = Assert.Single(_server.RequestsTo("POST", "/api/v2/write"));
        Assert.Equal("flagdashboard_raw", write.Query["bucket"]);
        Assert.Equal(FakeInfluxServer.OrganisationName, write.Query["org"]);
        Assert.Equal("ns", write.Query["precision"]);
        var timestamp = MinuteNs + 10_500_000_000; // the clock stands 10.5 s into its minute
        Assert.Equal(
            $"""
            api_calls,environment=3,instance=web\ 1,organisation=1,project=2,resource=flags,status=2xx count=12i {timestamp}
            api_calls,environment=unknown,instance=web\ 1,organisation=unknown,project=unknown,resource=environment_document,status=4xx count=1i {timestamp}
            flag_evaluations,environment=3,feature=42,instance=web\ 1,organisation=1,project=2 count=7i {timestamp}
            """.ReplaceLineEndings("\n"),
            write.Body);
    }

    [Fact]
    public async Task TwoFlushesOfTheSameMinuteWriteDistinctTimestampsInsideThatMinute()
    {
        using var store = CreateStore();
        var call = new ApiCall(1, 2, 3, SdkResource.Flags, 2);

        await store.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 5 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);
        await store.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 3 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromMinutes(1));
        await store.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 2 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);

        var points = _server.RequestsTo("POST", "/api/v2/write").Select(r => r.Body.Split(' ')).ToList();
        Assert.All(points, p => Assert.Equal(string.Join(' ', points[0][..^2]), string.Join(' ', p[..^2])));
        Assert.Equal(["count=5i", "count=3i", "count=2i"], points.Select(p => p[^2]));
        var timestamps = points.Select(p => long.Parse(p[^1], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(3, timestamps.Distinct().Count());
        Assert.All(timestamps, t => Assert.InRange(t, MinuteNs, MinuteNs + 59_999_999_999));
    }

    [Fact]
    public async Task ARetriedBatchKeepsItsTimestampsSoAWriteThatDidLandIsOverwrittenNotCountedTwice()
    {
        using var store = CreateStore();
        var batch = new UsageBatch(Minute, new Dictionary<ApiCall, long> { [new ApiCall(1, 2, 3, SdkResource.Flags, 2)] = 5 }, new Dictionary<EvaluationKey, long>());

        await store.WriteAsync([batch], TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromSeconds(3));
        await store.WriteAsync([batch], TestContext.Current.CancellationToken);
        await store.WriteAsync([new UsageBatch(batch.Minute, batch.ApiCalls, batch.Evaluations)], TestContext.Current.CancellationToken);

        var bodies = _server.RequestsTo("POST", "/api/v2/write").Select(r => r.Body).ToList();
        Assert.Equal(bodies[0], bodies[1]);
        Assert.NotEqual(bodies[0], bodies[2]);
    }

    [Fact]
    public async Task CountsForAMinuteTheTasksNoLongerReReadAreRolledUpIntoEveryWindow()
    {
        using var store = CreateStore();
        var late = Minute.AddHours(-2).AddMinutes(7);
        var call = new ApiCall(1, 2, 3, SdkResource.Flags, 2);

        await store.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 1 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);
        Assert.Empty(_server.RequestsTo("POST", "/api/v2/query"));
        await store.WriteAsync([new UsageBatch(late, new Dictionary<ApiCall, long> { [call] = 4 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);

        var flux = _server.RequestsTo("POST", "/api/v2/query").Select(r => ((string)JsonNode.Parse(r.Body)!["query"]!).ReplaceLineEndings("\n")).ToList();
        Assert.Equal(3, flux.Count);
        Assert.Contains("from(bucket: \"flagdashboard_raw\")", flux[0]);
        Assert.Contains("range(start: 2026-11-25T08:07:00Z, stop: 2026-11-25T08:08:00Z)", flux[0]);
        Assert.Contains("to(bucket: \"flagdashboard_1m\")", flux[0]);
        Assert.Contains("range(start: 2026-11-25T08:00:00Z, stop: 2026-11-25T08:15:00Z)", flux[1]);
        Assert.Contains("to(bucket: \"flagdashboard_15m\")", flux[1]);
        Assert.Contains("range(start: 2026-11-25T08:00:00Z, stop: 2026-11-25T09:00:00Z)", flux[2]);
        Assert.Contains("to(bucket: \"flagdashboard_1h\")", flux[2]);
    }

    [Fact]
    public async Task CountsOlderThanTheRawRetentionGoStraightToTheFinestBucketThatKeepsThemAndRollUpFromThere()
    {
        using var store = CreateStore();
        var call = new ApiCall(1, 2, 3, SdkResource.Flags, 2);

        await store.WriteAsync(
        [
            new UsageBatch(Minute.AddDays(-2), new Dictionary<ApiCall, long> { [call] = 9 }, new Dictionary<EvaluationKey, long>()),
            new UsageBatch(Minute.AddDays(-800), new Dictionary<ApiCall, long> { [call] = 4 }, new Dictionary<EvaluationKey, long>()),
            new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 1 }, new Dictionary<EvaluationKey, long>()),
        ], TestContext.Current.CancellationToken);

        var writes = _server.RequestsTo("POST", "/api/v2/write").ToDictionary(w => w.Query["bucket"]!, w => w.Body);
        Assert.Equal(["flagdashboard_1m", "flagdashboard_raw"], writes.Keys.Order());
        Assert.Contains("count=1i", writes["flagdashboard_raw"]);
        // Inside its minute and without an instance: a point of its own that adds to the window's sum.
        Assert.StartsWith("api_calls,environment=3,organisation=1,project=2,resource=flags,status=2xx count=9i ", writes["flagdashboard_1m"]);
        Assert.DoesNotContain("count=4i", string.Concat(writes.Values));
        var flux = _server.RequestsTo("POST", "/api/v2/query").Select(r => (string)JsonNode.Parse(r.Body)!["query"]!).ToList();
        Assert.Equal(2, flux.Count);
        Assert.Contains("to(bucket: \"flagdashboard_15m\")", flux[0]);
        Assert.Contains("range(start: 2026-11-23T10:00:00Z, stop: 2026-11-23T10:15:00Z)", flux[0]);
        Assert.Contains("to(bucket: \"flagdashboard_1h\")", flux[1]);
    }

    [Fact]
    public async Task AReconcileRecomputesTheWindowsOfAFailedTaskRunAndReportsEachTasksLastRun()
    {
        using var store = CreateStore();
        await store.InitializeAsync(TestContext.Current.CancellationToken);
        var minuteTask = _server.Tasks.Values.Single(t => (string?)t["name"] == "flagdashboard_raw_to_1m");
        _server.Runs[(string)minuteTask["id"]!] =
        [
            Run("r1", "success", "2026-11-25T09:58:00Z"),
            Run("r2", "failed", "2026-11-25T09:59:00Z"),
            Run("r3", "success", "2026-11-25T10:00:00Z"),
        ];
        var hourTask = _server.Tasks.Values.Single(t => (string?)t["name"] == "flagdashboard_15m_to_1h");
        _server.Runs[(string)hourTask["id"]!] = [Run("r4", "failed", "2026-11-25T10:00:00Z")];
        _server.ClearRequests();

        await store.ReconcileAsync(TestContext.Current.CancellationToken);

        // The failed minute run read 09:57 to 09:59: those minutes again, then the quarter and the hour above them.
        var flux = _server.RequestsTo("POST", "/api/v2/query").Select(r => ((string)JsonNode.Parse(r.Body)!["query"]!).ReplaceLineEndings("\n")).ToList();
        Assert.Equal(4, flux.Count);
        Assert.Contains("range(start: 2026-11-25T09:57:00Z, stop: 2026-11-25T09:59:00Z)", flux[0]);
        Assert.Contains("to(bucket: \"flagdashboard_1m\")", flux[0]);
        Assert.Contains("range(start: 2026-11-25T09:45:00Z, stop: 2026-11-25T10:00:00Z)", flux[1]);
        Assert.Contains("range(start: 2026-11-25T09:00:00Z, stop: 2026-11-25T10:00:00Z)", flux[2]);
        Assert.Contains("to(bucket: \"flagdashboard_1h\")", flux[3]);
        Assert.Contains("range(start: 2026-11-25T09:00:00Z, stop: 2026-11-25T10:00:00Z)", flux[3]);
        Assert.Equal(
            [("flagdashboard_raw_to_1m", "success", 1, true), ("flagdashboard_1m_to_15m", "none", 0, true), ("flagdashboard_15m_to_1h", "failed", 1, false)],
            store.TaskHealth.Select(h => (h.Task, h.LastRun, h.FailedRunsReconciled, h.Healthy)));
    }

    private static JsonObject Run(string id, string status, string scheduledFor) => new()
    {
        ["id"] = id,
        ["status"] = status,
        ["scheduledFor"] = scheduledFor,
    };

    [Fact]
    public async Task AStoreRestartedInTheSameMinuteDoesNotReuseTheFirstRunsTimestamp()
    {
        var call = new ApiCall(1, 2, 3, SdkResource.Flags, 2);
        using (var first = CreateStore())
        {
            await first.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 5 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);
        }

        _clock.Advance(TimeSpan.FromSeconds(4));
        using var second = CreateStore();
        await second.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long> { [call] = 3 }, new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);

        var timestamps = _server.RequestsTo("POST", "/api/v2/write").Select(r => r.Body.Split(' ')[^1]).ToList();
        Assert.Equal(2, timestamps.Distinct().Count());
    }

    [Fact]
    public async Task NothingToWriteSendsNothing()
    {
        using var store = CreateStore();

        await store.WriteAsync([new UsageBatch(Minute, new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>())], TestContext.Current.CancellationToken);

        Assert.Empty(_server.Requests);
    }

    [Fact]
    public async Task AQueryWindowsFirstInTheBucketOfItsWindowThenGroupsAndSums()
    {
        using var store = CreateStore();
        var query = new UsageQuery(UsageMetric.ApiCalls, 1, 2, 3, null, Minute.AddHours(-6), Minute, UsageWindow.OneMinute, UsageGrouping.Resource) { Step = TimeSpan.FromMinutes(3) };

        await store.QueryAsync(query, TestContext.Current.CancellationToken);

        var request = Assert.Single(_server.RequestsTo("POST", "/api/v2/query"));
        Assert.Equal(FakeInfluxServer.OrganisationName, request.Query["org"]);
        var body = JsonNode.Parse(request.Body)!;
        // The clock stands at 10:01:10: the 1-minute task has summed up to 10:00, so no raw tail is read.
        Assert.Equal(
            """
            from(bucket: "flagdashboard_1m")
                |> range(start: 2026-11-25T04:00:00Z, stop: 2026-11-25T10:00:00Z)
                |> filter(fn: (r) => r._measurement == "api_calls" and r._field == "count" and r.organisation == "1" and r.project == "2" and r.environment == "3")
                |> aggregateWindow(every: 3m, fn: sum, createEmpty: false, timeSrc: "_start")
                |> group(columns: ["_time", "resource"])
                |> sum()
                |> group(columns: ["resource"])
                |> yield(name: "usage")
            """.ReplaceLineEndings("\n"),
            ((string)body["query"]!).ReplaceLineEndings("\n"));
        Assert.Equal(["datatype", "group", "default"], body["dialect"]!["annotations"]!.AsArray().Select(a => (string)a!));
    }

    [Fact]
    public async Task EveryZoomOfTheBenchmarkGoesOverTheWireAsFluxThatInfluxDatasParserReadsWithAtMost600PointsALine()
    {
        using var store = CreateStore();
        var now = _clock.GetUtcNow();
        var zooms = new[] { TimeSpan.FromHours(1), TimeSpan.FromHours(6), TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(30), TimeSpan.FromDays(90), TimeSpan.FromDays(730) };
        var shapes = new (int? Environment, int? Feature, UsageGrouping Grouping)[] { (null, null, UsageGrouping.Feature), (2, null, UsageGrouping.Feature), (null, 7, UsageGrouping.Environment) };
        var plans = zooms.Select(range => UsageSteps.Choose(now - range, now, now, store.Retention)).ToList();

        foreach (var plan in plans)
        {
            foreach (var (environment, feature, grouping) in shapes)
            {
                await store.QueryAsync(new UsageQuery(UsageMetric.FlagEvaluations, 1, 1, environment, feature, plan.From, plan.To, plan.Window, grouping) { Step = plan.Step }, TestContext.Current.CancellationToken);
            }
        }

        var flux = _server.RequestsTo("POST", "/api/v2/query").Select(r => (string)JsonNode.Parse(r.Body)!["query"]!).ToList();
        var parsed = await FluxParser.ParseAsync(flux);

        Assert.Equal(zooms.Length * shapes.Length, parsed.Count);
        Assert.All(parsed, p => Assert.Empty(p.Errors));
        Assert.All(parsed, p => Assert.Contains("aggregateWindow", p.CalledFunctions));
        Assert.All(plans, p => Assert.InRange(p.Points, 1, UsageSteps.MaxPoints));
        Assert.InRange(plans[^2].Points, 300, UsageSteps.MaxPoints);
        Assert.InRange(plans[^1].Points, 300, UsageSteps.MaxPoints);
    }

    [Theory]
    [InlineData(UsageWindow.FifteenMinutes, "flagdashboard_15m", "2026-11-25T09:45:00Z")]
    [InlineData(UsageWindow.OneHour, "flagdashboard_1h", "2026-11-25T09:00:00Z")]
    [InlineData(UsageWindow.OneDay, "flagdashboard_1h", "2026-11-25T09:00:00Z")]
    public async Task TheWindowsItsTaskHasNotSummedYetAreReadFromTheRawBucket(UsageWindow window, string bucket, string liveFrom)
    {
        using var store = CreateStore();
        var query = new UsageQuery(UsageMetric.ApiCalls, 1, null, null, null, Minute.AddDays(-2), Minute, window, UsageGrouping.None) { Step = TimeSpan.FromHours(1) };

        await store.QueryAsync(query, TestContext.Current.CancellationToken);

        var flux = ((string)JsonNode.Parse(Assert.Single(_server.RequestsTo("POST", "/api/v2/query")).Body)!["query"]!).ReplaceLineEndings("\n");
        Assert.StartsWith("union(tables: [", flux);
        Assert.Contains($"from(bucket: \"{bucket}\")\n        |> range(start: 2026-11-23T10:00:00Z, stop: {liveFrom})", flux);
        Assert.Contains($"from(bucket: \"flagdashboard_raw\")\n        |> range(start: {liveFrom}, stop: 2026-11-25T10:00:00Z)", flux);
    }

    [Theory]
    [InlineData(UsageMetric.ApiCalls, UsageGrouping.None, "group()")]
    [InlineData(UsageMetric.ApiCalls, UsageGrouping.Status, """group(columns: ["status"])""")]
    [InlineData(UsageMetric.ApiCalls, UsageGrouping.Environment, """group(columns: ["environment"])""")]
    [InlineData(UsageMetric.FlagEvaluations, UsageGrouping.Feature, """group(columns: ["feature"])""")]
    [InlineData(UsageMetric.FlagEvaluations, UsageGrouping.Environment, """group(columns: ["environment"])""")]
    public async Task AQueryGroupsByTheTagOfItsGrouping(UsageMetric metric, UsageGrouping grouping, string group)
    {
        using var store = CreateStore();

        await store.QueryAsync(new UsageQuery(metric, 1, null, null, null, Minute.AddHours(-1), Minute, UsageWindow.OneMinute, grouping), TestContext.Current.CancellationToken);

        var flux = (string)JsonNode.Parse(Assert.Single(_server.RequestsTo("POST", "/api/v2/query")).Body)!["query"]!;
        Assert.Contains($"|> {group}\n", flux.ReplaceLineEndings("\n"));
        Assert.Contains($"r._measurement == \"{(metric == UsageMetric.ApiCalls ? "api_calls" : "flag_evaluations")}\"", flux);
        Assert.Contains("r._field == \"count\" and r.organisation == \"1\")\n", flux.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task AFeatureNameWithQuotesBackslashesAndPipesStaysOneStringLiteral()
    {
        using var store = CreateStore();
        const string Feature = "x\") |> drop(columns: [\"_value\"]) |> yield(name: \"\\${token}\\";

        await store.QueryAsync(new UsageQuery(UsageMetric.FlagEvaluations, 1, 2, 3, 12, Minute.AddHours(-1), Minute, UsageWindow.OneMinute, UsageGrouping.None) { LegacyFeatureName = Feature }, TestContext.Current.CancellationToken);

        var flux = (string)JsonNode.Parse(Assert.Single(_server.RequestsTo("POST", "/api/v2/query")).Body)!["query"]!;
        Assert.Contains("""(r.feature == "12" or r.feature == "x\") |> drop(columns: [\"_value\"]) |> yield(name: \"\\\${token}\\"))""", flux);
    }

    [Fact]
    public async Task AnAnswerGroupedByResourceBecomesLinesInDescendingTotalWithTheirZeros()
    {
        _server.QueryAnswer = Sample("api-calls-by-resource.csv");
        using var store = CreateStore();

        var lines = await store.QueryAsync(new UsageQuery(UsageMetric.ApiCalls, 1, null, null, null, Minute, Minute.AddMinutes(5), UsageWindow.OneMinute, UsageGrouping.Resource), TestContext.Current.CancellationToken);

        Assert.Equal(["flags", "identities", "traits"], lines.Select(l => l.Key));
        Assert.Equal([22L, 5L, 1L], lines.Select(l => l.Total));
        Assert.Equal(Enumerable.Range(0, 5).Select(i => Minute.AddMinutes(i)), lines[0].Points.Select(p => p.Time));
        Assert.Equal([12L, 0, 3, 0, 7], lines[0].Points.Select(p => p.Count));
        Assert.Equal([0L, 0, 0, 5, 0], lines[1].Points.Select(p => p.Count));
        Assert.Equal([0L, 1, 0, 0, 0], lines[2].Points.Select(p => p.Count));
    }

    [Fact]
    public async Task AnAnswerGroupedByFeatureKeepsNamesWithCommasAndQuotesAndReadsNullsAsZero()
    {
        _server.QueryAnswer = Sample("evaluations-by-feature-hourly.csv");
        using var store = CreateStore();
        var from = new DateTimeOffset(2026, 11, 24, 21, 0, 0, TimeSpan.Zero);

        var lines = await store.QueryAsync(new UsageQuery(UsageMetric.FlagEvaluations, 1, 2, 3, null, from, from.AddHours(3), UsageWindow.OneHour, UsageGrouping.Feature), TestContext.Current.CancellationToken);

        Assert.Equal(["checkout_v2", "banner, \"new\" = yes", "dark_mode"], lines.Select(l => l.Key));
        Assert.Equal([from, from.AddHours(1), from.AddHours(2)], lines[1].Points.Select(p => p.Time));
        Assert.Equal([40L, 0, 2], lines[1].Points.Select(p => p.Count));
        Assert.Equal([0L, 0, 0], lines[2].Points.Select(p => p.Count));
    }

    [Fact]
    public async Task AnUngroupedAnswerIsOneTotalLineAndAnEmptyAnswerIsATotalOfZeros()
    {
        _server.QueryAnswer = Sample("api-calls-total-quarter-hours.csv");
        using var store = CreateStore();
        var from = new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero);
        var query = new UsageQuery(UsageMetric.ApiCalls, 1, null, null, null, from, from.AddHours(1), UsageWindow.FifteenMinutes, UsageGrouping.None);

        var lines = await store.QueryAsync(query, TestContext.Current.CancellationToken);
        _server.QueryAnswer = null;
        var empty = await store.QueryAsync(query, TestContext.Current.CancellationToken);

        var total = Assert.Single(lines);
        Assert.Equal("total", total.Key);
        Assert.Equal([300L, 0, 0, 45], total.Points.Select(p => p.Count));
        Assert.Equal([from, from.AddMinutes(15), from.AddMinutes(30), from.AddMinutes(45)], total.Points.Select(p => p.Time));
        var zeros = Assert.Single(empty);
        Assert.Equal("total", zeros.Key);
        Assert.Equal([0L, 0, 0, 0], zeros.Points.Select(p => p.Count));
    }

    [Fact]
    public async Task AGroupingThatDoesNotFitTheMetricIsRefusedBeforeAnyRequest()
    {
        using var store = CreateStore();

        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new UsageQuery(UsageMetric.FlagEvaluations, 1, null, null, null, Minute.AddHours(-1), Minute, UsageWindow.OneMinute, UsageGrouping.Resource), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<ArgumentException>(() => store.QueryAsync(new UsageQuery(UsageMetric.ApiCalls, 1, null, null, 5, Minute.AddHours(-1), Minute, UsageWindow.OneMinute, UsageGrouping.None), TestContext.Current.CancellationToken));
        Assert.Empty(_server.Requests);
    }

    internal static string Sample(string name) =>
        File.ReadAllText(Path.Combine(AppPaths.RepositoryRoot, "FlagDashboard.Tests", "Usage", "InfluxDb", "Samples", name)).ReplaceLineEndings("\r\n");

    private InfluxUsageStore CreateStore(Action<InfluxUsageOptions>? configure = null)
    {
        var options = new InfluxUsageOptions
        {
            Url = _server.BaseAddress.ToString(),
            Token = "test-token",
            Organisation = FakeInfluxServer.OrganisationName,
            Instance = "web 1",
        };
        configure?.Invoke(options);
        return new InfluxUsageStore(Options.Create(options), _clock);
    }
}
