using FlagDashboard.Core;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.ChangeRequests;

public sealed class ScheduledChangesTests
{
    [Fact]
    public async Task AScheduledChangeGoesLiveWhenDueOnceAsItsOwnVersion()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production) = await SeedAsync(core, requiredApprovals: 0);
        var scheduler = new ScheduledChanges(core.Database, core.Clock);
        var versionsBefore = (await core.Versions.ListAsync(feature.Id, production, Token)).Count;

        var id = await ScheduleAsync(core.As("ana"), feature.Id, production, "later", core.Clock.Now.AddMinutes(10));

        var scheduled = await core.ChangeRequests.GetAsync(id, Token);
        Assert.Equal((ChangeRequestStatus.Scheduled, core.Clock.Now.AddMinutes(10)), (scheduled.Summary.Status, scheduled.Summary.ScheduledFor));
        var early = await scheduler.RunDueAsync(Token);
        Assert.Empty(early.Committed);
        Assert.Equal(core.Clock.Now.AddMinutes(10), early.NextDue);
        Assert.Equal(FlagValue.FromString("old"), (await core.DefaultStateAsync(feature.Id, production)).Value);
        var stampBefore = (await core.EnvironmentRowAsync(production)).DocumentUpdatedAt;

        core.Clock.Advance(TimeSpan.FromMinutes(10));
        var run = await scheduler.RunDueAsync(Token);
        var again = await scheduler.RunDueAsync(Token);

        Assert.Equal([id], run.Committed);
        Assert.Null(run.NextDue);
        Assert.Empty(again.Committed);
        Assert.Equal(FlagValue.FromString("later"), (await core.DefaultStateAsync(feature.Id, production)).Value);
        Assert.True((await core.EnvironmentRowAsync(production)).DocumentUpdatedAt > stampBefore);
        var versions = await core.Versions.ListAsync(feature.Id, production, Token);
        Assert.Equal(versionsBefore + 1, versions.Count);
        Assert.Equal("ana", versions[0].Author);
        var committed = await core.ChangeRequests.GetAsync(id, Token);
        Assert.Equal((ChangeRequestStatus.Committed, versions[0].Number), (committed.Summary.Status, committed.CommittedVersion));
        var audit = (await core.AuditEntriesAsync()).Where(a => a.EntityType == "ChangeRequest").Select(a => a.Actor).ToList();
        Assert.Equal(["ana", "ana"], audit);
    }

    [Fact]
    public async Task WhenMoreAreDueThanOnePassTakesTheNextPassIsAtOnceAndThenAtTheNextTime()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production) = await SeedAsync(core, requiredApprovals: 0);
        var scheduler = new ScheduledChanges(core.Database, core.Clock);
        var due = new List<int>();
        for (var i = 0; i < 21; i++)
        {
            due.Add(await ScheduleAsync(core.As("ana"), feature.Id, production, $"v{i}", core.Clock.Now.AddMinutes(1)));
        }

        var later = core.Clock.Now.AddMinutes(5);
        await ScheduleAsync(core.As("ana"), feature.Id, production, "later", later);
        core.Clock.Advance(TimeSpan.FromMinutes(1));

        var first = await scheduler.RunDueAsync(Token);
        var second = await scheduler.RunDueAsync(Token);

        // All were scheduled on one version: the first applied goes live, the rest are conflicts; each is taken once.
        Assert.Equal(due[..20], first.Committed.Concat(first.Conflicts).Order());
        Assert.Equal(core.Clock.Now, first.NextDue);
        Assert.Equal([due[20]], second.Committed.Concat(second.Conflicts));
        Assert.Equal(later, second.NextDue);
    }

    [Fact]
    public async Task AnApprovedRequestCommittedWithATimeWaitsForIt()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production) = await SeedAsync(core, requiredApprovals: 1);
        var scheduler = new ScheduledChanges(core.Database, core.Clock);
        var id = await ProposeAsync(core.As("ana"), feature.Id, production, "approved");
        await core.As("bo").ChangeRequests.ApproveAsync(id, Token);

        var scheduled = await core.ChangeRequests.CommitAsync(id, core.Clock.Now.AddHours(1), Token);

        Assert.Equal(ChangeRequestStatus.Scheduled, scheduled.Summary.Status);
        Assert.Equal(FlagValue.FromString("old"), (await core.DefaultStateAsync(feature.Id, production)).Value);
        core.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal([id], (await scheduler.RunDueAsync(Token)).Committed);
        Assert.Equal(FlagValue.FromString("approved"), (await core.DefaultStateAsync(feature.Id, production)).Value);
        var entries = (await core.AuditEntriesAsync()).Where(a => a.EntityType == "ChangeRequest").Select(a => a.Actor).ToList();
        Assert.Equal(["ana", "bo", "admin", "admin"], entries);
    }

    [Fact]
    public async Task AScheduleWhoseFeatureChangedMeanwhileIsFlaggedNotAppliedAndCanBeRebased()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production) = await SeedAsync(core, requiredApprovals: 0);
        var scheduler = new ScheduledChanges(core.Database, core.Clock);
        var id = await ScheduleAsync(core.As("ana"), feature.Id, production, "scheduled", core.Clock.Now.AddMinutes(5));
        var state = await core.DefaultStateAsync(feature.Id, production);
        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("meanwhile"), state.Version, Token);

        core.Clock.Advance(TimeSpan.FromMinutes(5));
        var run = await scheduler.RunDueAsync(Token);

        Assert.Empty(run.Committed);
        Assert.Equal([id], run.Conflicts);
        Assert.Equal(FlagValue.FromString("meanwhile"), (await core.DefaultStateAsync(feature.Id, production)).Value);
        var flagged = await core.ChangeRequests.GetAsync(id, Token);
        Assert.Equal((ChangeRequestStatus.Conflict, true), (flagged.Summary.Status, flagged.HasConflict));
        Assert.Contains(flagged.Summary, await core.ChangeRequests.ListAsync(production, cancellationToken: Token));
        Assert.Empty((await scheduler.RunDueAsync(Token)).Conflicts);

        var rebased = await core.ChangeRequests.RebaseAsync(id, Token);
        Assert.Equal((ChangeRequestStatus.Open, false), (rebased.Summary.Status, rebased.HasConflict));
        Assert.Null(rebased.Summary.ScheduledFor);
        var rescheduled = await core.ChangeRequests.CommitAsync(id, core.Clock.Now.AddMinutes(1), Token);
        Assert.Equal(ChangeRequestStatus.Scheduled, rescheduled.Summary.Status);
    }

    [Fact]
    public async Task ACancelledScheduleIsNeverApplied()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production) = await SeedAsync(core, requiredApprovals: 0);
        var scheduler = new ScheduledChanges(core.Database, core.Clock);
        var id = await ScheduleAsync(core.As("ana"), feature.Id, production, "cancelled", core.Clock.Now.AddMinutes(5));

        var closed = await core.ChangeRequests.CloseAsync(id, Token);
        core.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(ChangeRequestStatus.Closed, closed.Summary.Status);
        Assert.Empty((await scheduler.RunDueAsync(Token)).Committed);
        Assert.Equal(FlagValue.FromString("old"), (await core.DefaultStateAsync(feature.Id, production)).Value);
    }

    [Fact]
    public async Task ATimeInThePastOrTooFarAheadIsRefusedNamingTheField()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production) = await SeedAsync(core, requiredApprovals: 0);

        var past = await Assert.ThrowsAsync<ValidationException>(() => ScheduleAsync(core, feature.Id, production, "x", core.Clock.Now.AddSeconds(-1)));
        var far = await Assert.ThrowsAsync<ValidationException>(() => ScheduleAsync(core, feature.Id, production, "x", core.Clock.Now.AddYears(2)));

        Assert.Contains("scheduledFor", past.Errors.Keys);
        Assert.Contains("scheduledFor", far.Errors.Keys);
    }

    [Fact]
    public async Task TwoSchedulersOnPostgresApplyEachDueScheduleExactlyOnceAndANewOneAfterARestartAppliesWhatWasLeft()
    {
        await using var core = await CoreServices.CreateAsync(DatabaseProvider.Postgres, "admin");
        var seeded = await core.SeedProjectAsync("Production");
        var production = seeded.EnvironmentIds[0];
        var features = new List<Feature>();
        for (var i = 0; i < 8; i++)
        {
            features.Add(await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput($"flag_{i}", InitialValue: FlagValue.FromString("old")), Token));
        }

        var ids = new List<int>();
        foreach (var feature in features)
        {
            ids.Add(await ScheduleAsync(core.As("ana"), feature.Id, production, "new", core.Clock.Now.AddMinutes(1)));
        }

        var versionsBefore = await VersionCountsAsync(core, features, production);
        core.Clock.Advance(TimeSpan.FromMinutes(1));
        // Two instances, each with its own scheduler and connections, passing at the same moment, several times over.
        var (a, b) = (new ScheduledChanges(core.Database, core.Clock), new ScheduledChanges(core.Database, core.Clock));
        var runs = await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { Task.Run(() => a.RunDueAsync(Token)), Task.Run(() => b.RunDueAsync(Token)) }));

        var committed = runs.SelectMany(r => r.Committed).ToList();
        Assert.Equal(ids.Order(), committed.Order());
        Assert.Empty(runs.SelectMany(r => r.Conflicts));
        var versionsAfter = await VersionCountsAsync(core, features, production);
        Assert.All(features, f => Assert.Equal(versionsBefore[f.Id] + 1, versionsAfter[f.Id]));

        // A schedule made before a restart is in the database: the scheduler of the instance started afterwards applies it.
        var later = await ScheduleAsync(core.As("ana"), features[0].Id, production, "after-restart", core.Clock.Now.AddMinutes(1));
        core.Clock.Advance(TimeSpan.FromMinutes(1));
        var restarted = new ScheduledChanges(core.Database, core.Clock);
        Assert.Equal([later], (await restarted.RunDueAsync(Token)).Committed);
        Assert.Equal(FlagValue.FromString("after-restart"), (await core.DefaultStateAsync(features[0].Id, production)).Value);
    }

    [Fact]
    public async Task AScheduledSwitchAndValueKeepTheSegmentOverridesAndWaitForApprovalWhereItIsRequired()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var (development, production) = (seeded.EnvironmentIds[0], seeded.EnvironmentIds[1]);
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", InitialValue: FlagValue.FromString("old")), Token);
        var beta = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        await core.Segments.CreateOverrideAsync(development, feature.Id, beta.Id, true, FlagValue.FromString("beta"), Token);
        await core.Environments.SetRequiredApprovalsAsync(production, 1, (await core.EnvironmentRowAsync(production)).Version, Token);
        var scheduler = new ScheduledChanges(core.Database, core.Clock);
        var at = core.Clock.Now.AddMinutes(30);

        var direct = await core.As("ana").ChangeRequests.ScheduleStateAsync(feature.Id, development, true, FlagValue.FromString("new"), at, cancellationToken: Token);
        var gated = await core.As("ana").ChangeRequests.ScheduleStateAsync(feature.Id, production, true, FlagValue.FromInteger(7), at, "Launch", Token);

        Assert.Equal((ChangeRequestStatus.Scheduled, at, "Switch on, value new"), (direct.Summary.Status, direct.Summary.ScheduledFor, direct.Summary.Title));
        Assert.Equal((ChangeRequestStatus.Open, at, "Launch"), (gated.Summary.Status, gated.Summary.ScheduledFor, gated.Summary.Title));
        await core.As("bo").ChangeRequests.ApproveAsync(gated.Summary.Id, Token);
        Assert.Equal(ChangeRequestStatus.Scheduled, (await core.ChangeRequests.CommitAsync(gated.Summary.Id, Token)).Summary.Status);
        Assert.False((await core.DefaultStateAsync(feature.Id, development)).Enabled);

        core.Clock.Advance(TimeSpan.FromMinutes(30));
        var run = await scheduler.RunDueAsync(Token);

        Assert.Equal([direct.Summary.Id, gated.Summary.Id], run.Committed.Order());
        var developmentLive = await core.DefaultStateAsync(feature.Id, development);
        Assert.Equal((true, FlagValue.FromString("new")), (developmentLive.Enabled, developmentLive.Value));
        var kept = Assert.Single(await core.Segments.ListOverridesAsync(development, feature.Id, Token));
        Assert.Equal(("beta", true, FlagValue.FromString("beta")), (kept.SegmentName, kept.Enabled, kept.Value));
        var productionLive = await core.DefaultStateAsync(feature.Id, production);
        Assert.Equal((true, FlagValue.FromInteger(7)), (productionLive.Enabled, productionLive.Value));
        await Assert.ThrowsAsync<ValidationException>(() => core.ChangeRequests.ScheduleStateAsync(feature.Id, development, false, FlagValue.None, core.Clock.Now.AddMinutes(-1), cancellationToken: Token));
    }

    private static async Task<Dictionary<int, int>> VersionCountsAsync(CoreServices core, List<Feature> features, int environmentId)
    {
        var counts = new Dictionary<int, int>();
        foreach (var feature in features)
        {
            counts[feature.Id] = (await core.Versions.ListAsync(feature.Id, environmentId, Token)).Count;
        }

        return counts;
    }

    private static async Task<(Feature Feature, int Production)> SeedAsync(CoreServices core, int requiredApprovals)
    {
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var production = seeded.EnvironmentIds[1];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", InitialValue: FlagValue.FromString("old")), Token);
        var environment = await core.EnvironmentRowAsync(production);
        await core.Environments.SetRequiredApprovalsAsync(production, requiredApprovals, environment.Version, Token);
        return (feature, production);
    }

    private static Task<int> ProposeAsync(CoreServices author, int featureId, int environmentId, string value) =>
        ScheduleAsync(author, featureId, environmentId, value, null);

    private static async Task<int> ScheduleAsync(CoreServices author, int featureId, int environmentId, string value, DateTimeOffset? at)
    {
        var versions = await author.Versions.ListAsync(featureId, environmentId, Token);
        var live = (await author.Versions.GetAsync(featureId, environmentId, versions[0].Number, Token)).States;
        var request = await author.ChangeRequests.CreateAsync(featureId, environmentId,
            new ChangeRequestInput($"Set {value}", null, live with { Value = FlagValue.FromString(value).ToJson() }, null, null, at), Token);
        return request.Summary.Id;
    }
}
