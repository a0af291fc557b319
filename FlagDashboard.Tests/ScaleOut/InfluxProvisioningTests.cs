using FlagDashboard.Core.Usage.InfluxDb;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.Tests.Usage.InfluxDb;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>Instances that start at once set InfluxDB up together: the result is the same as one instance's.</summary>
public sealed class InfluxProvisioningTests
{
    [Fact]
    public async Task ThreeInstancesProvisioningAtOnceLeaveExactlyOneOfEachBucketAndTask()
    {
        await using var server = await FakeInfluxServer.StartAsync();
        // Slow answers to "which buckets and tasks exist": every instance finds none and creates its own.
        server.ListDelay = TimeSpan.FromMilliseconds(300);
        var stores = Enumerable.Range(1, 3).Select(i => new InfluxUsageStore(Options.Create(new InfluxUsageOptions
        {
            Url = server.BaseAddress.ToString(),
            Token = "test-token",
            Organisation = FakeInfluxServer.OrganisationName,
            Instance = $"web {i}",
        }), new ManualClock())).ToList();

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
}
