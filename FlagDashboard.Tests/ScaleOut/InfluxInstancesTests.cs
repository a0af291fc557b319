using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.InfluxDb;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.Tests.Usage.InfluxDb;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>Several instances on one InfluxDB: setting it up at once, and replaying each other's spilled counts.</summary>
public sealed class InfluxInstancesTests
{
    [Fact]
    public async Task ABatchSpilledByOneInstanceIsReplayedByAnotherUnderTheFirstInstancesTagAndStamp()
    {
        await using var server = await FakeInfluxServer.StartAsync();
        using var other = Store(server, "web 2");
        var minute = new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);
        var spilled = new UsageBatch(minute, new Dictionary<ApiCall, long> { [new ApiCall(1, 2, 3, SdkResource.Flags, 2)] = 7 }, new Dictionary<EvaluationKey, long>())
        {
            Stamp = minute.ToUnixTimeMilliseconds() * 1_000_000 + 42,
            Instance = "web 1",
        };

        await other.WriteAsync([spilled], TestContext.Current.CancellationToken);

        var line = Assert.Single(server.RequestsTo("POST", "/api/v2/write")).Body.Trim();
        Assert.Contains("instance=web\\ 1", line);
        Assert.EndsWith($" {spilled.Stamp}", line);
    }

    [Fact]
    public async Task ThreeInstancesProvisioningAtOnceLeaveExactlyOneOfEachBucketAndTask()
    {
        await using var server = await FakeInfluxServer.StartAsync();
        // Slow answers to "which buckets and tasks exist": every instance finds none and creates its own.
        server.ListDelay = TimeSpan.FromMilliseconds(300);
        server.TaskListBarrier = 3;
        var stores = Enumerable.Range(1, 3).Select(i => Store(server, $"web {i}")).ToList();

        await Task.WhenAll(stores.Select(s => s.InitializeAsync(TestContext.Current.CancellationToken)));

        Assert.True(server.RequestsTo("POST", "/api/v2/tasks").Count > 3, "The instances did not race: the test proves nothing.");
        Assert.Equal(
            ["flagdashboard_15m", "flagdashboard_1h", "flagdashboard_1m", "flagdashboard_raw"],
            server.Buckets.Values.Select(b => (string)b["name"]!).Order(StringComparer.Ordinal));
        Assert.Equal(3, server.Tasks.Count);
        Assert.Equal(3, server.Tasks.Values.Select(t => (string)t["name"]!).Distinct().Count());
        foreach (var store in stores)
        {
            store.Dispose();
        }
    }

    private static InfluxUsageStore Store(FakeInfluxServer server, string instance) =>
        new(Options.Create(new InfluxUsageOptions
        {
            Url = server.BaseAddress.ToString(),
            Token = "test-token",
            Organisation = FakeInfluxServer.OrganisationName,
            Instance = instance,
        }), new ManualClock(new DateTimeOffset(2026, 11, 25, 10, 5, 0, TimeSpan.Zero)));
}
