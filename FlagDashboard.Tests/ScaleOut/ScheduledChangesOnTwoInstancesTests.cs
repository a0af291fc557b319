using FlagDashboard.Core.Audit;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Versions;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>Issue #19's Done-when: with two instances on one PostgreSQL, a change scheduled 10 s ahead reaches both instances' SDK answers after its time.</summary>
public sealed class ScheduledChangesOnTwoInstancesTests
{
    private const string ReportVariable = "FLAGDASHBOARD_SCHEDULE_LATENCY_REPORT";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AChangeScheduledTenSecondsAheadIsCommittedOnceAndReachesBothInstancesSdkAnswersAfterItsTime()
    {
        await using var cluster = await ScaleOutCluster.CreateAsync();
        var (a, b) = (await cluster.StartInstanceAsync(), await cluster.StartInstanceAsync());
        var imported = await cluster.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        Assert.True(imported.ExitCode == 0, imported.Error);
        int environmentId;
        await using (var db = cluster.Database.CreateDbContext())
        {
            environmentId = await db.Environments.Where(e => e.ClientKey == ImportedEnvironment.ClientKey).Select(e => e.Id).SingleAsync(Cancel);
        }

        using var sdkA = SdkClient(a);
        using var sdkB = SdkClient(b);
        var actor = new FixedActor("scheduling test");
        var features = new FeatureService(cluster.Database, actor, CoreServices.OperatorAccess(cluster.Database), TimeProvider.System);
        var requests = new ChangeRequestService(cluster.Database, actor, CoreServices.OperatorAccess(cluster.Database), TimeProvider.System);
        var featureId = (await features.ListStatesAsync(environmentId, cancellationToken: Cancel)).Single(s => s.Feature.Name == "welcome_banner").Feature.Id;
        var at = DateTimeOffset.UtcNow.AddSeconds(10);

        var scheduled = await requests.CreateAsync(featureId, environmentId,
            new ChangeRequestInput("Launch", null, new StatesSnapshot(true, FlagValue.FromString("launched").ToJson(), [], []), null, null, at), Cancel);

        Assert.Equal(ChangeRequestStatus.Scheduled, scheduled.Summary.Status);
        Assert.DoesNotContain("\"launched\"", await sdkB.GetStringAsync("flags/", Cancel), StringComparison.Ordinal);
        // Both instances are watched at once, so neither's figure includes the wait for the other.
        var seen = await Task.WhenAll(WhenVisibleAsync(sdkB), WhenVisibleAsync(sdkA));
        var (seenB, seenA) = (seen[0], seen[1]);
        // Nothing went live before its time (the SDK answer may lag it; it must not lead it).
        Assert.True(seenB >= at, $"instance B answered the change at {seenB:O}, before its time {at:O}");
        var committed = await requests.GetAsync(scheduled.Summary.Id, Cancel);
        Assert.Equal(ChangeRequestStatus.Committed, committed.Summary.Status);
        await using (var db = cluster.Database.CreateDbContext())
        {
            // One commit, one version on top of the baseline: the other instance's scheduler did not apply it again.
            Assert.Equal(2, await db.FeatureVersions.CountAsync(v => v.FeatureId == featureId && v.EnvironmentId == environmentId, Cancel));
        }

        // Split in two: the scheduler's lag (its commit's own clock reading) and the SDK answers' (the load of the machine shows in both).
        var report = $"scheduled change committed {(committed.ClosedAt!.Value - at).TotalMilliseconds:F0} ms after its time; "
            + $"seen by GET /api/v1/flags/ {(seenB - at).TotalMilliseconds:F0} ms after its time on instance B, {(seenA - at).TotalMilliseconds:F0} ms on instance A";
        TestContext.Current.SendDiagnosticMessage(report);
        if (Environment.GetEnvironmentVariable(ReportVariable) is { Length: > 0 } reportPath)
        {
            await File.WriteAllTextAsync(reportPath, report + "\n", Cancel);
        }
    }

    private static HttpClient SdkClient(AppProcess instance)
    {
        var client = instance.CreateClient();
        client.BaseAddress = new Uri(instance.BaseAddress, "api/v1/");
        client.DefaultRequestHeaders.Add("X-Environment-Key", ImportedEnvironment.ClientKey);
        return client;
    }

    /// <summary>The moment (UTC) an SDK answer first held the scheduled value.</summary>
    private static async Task<DateTimeOffset> WhenVisibleAsync(HttpClient sdk)
    {
        await Eventually.TrueAsync(async () => (await sdk.GetStringAsync("flags/", Cancel)).Contains("\"launched\"", StringComparison.Ordinal),
            "GET flags/ to answer the scheduled value", TimeSpan.FromSeconds(60));
        return DateTimeOffset.UtcNow;
    }
}
