using FlagDashboard.Core;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Options;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.ChangeRequests;

public sealed class ChangeRequestServiceTests
{
    [Fact]
    public async Task InAnEnvironmentThatRequiresApprovalAChangeIsSavedAsARequestAndGoesLiveOnlyWhenCommitted()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 2);
        var state = await core.DefaultStateAsync(feature.Id, production);
        var stampBefore = (await core.EnvironmentRowAsync(production)).DocumentUpdatedAt;

        var opened = await Assert.ThrowsAsync<ChangeRequestOpenedException>(
            () => core.As("ana").Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("new"), state.Version, Token));

        Assert.False((await core.DefaultStateAsync(feature.Id, production)).Enabled);
        Assert.Equal(stampBefore, (await core.EnvironmentRowAsync(production)).DocumentUpdatedAt);
        var request = await core.ChangeRequests.GetAsync(opened.ChangeRequestId, Token);
        Assert.Equal(("ana", ChangeRequestStatus.Open, true, "\"new\""), (request.Summary.Author, request.Summary.Status, request.Proposed.Enabled, request.Proposed.Value));
        Assert.Contains("Switched on", request.Summary.Title);

        await core.As("bo").ChangeRequests.ApproveAsync(request.Summary.Id, Token);
        var short1 = await Assert.ThrowsAsync<ValidationException>(() => core.ChangeRequests.CommitAsync(request.Summary.Id, Token));
        Assert.Contains("approvals", short1.Errors.Keys);
        await core.As("cy").ChangeRequests.ApproveAsync(request.Summary.Id, Token);
        core.Clock.Advance(TimeSpan.FromSeconds(1));

        var committed = await core.ChangeRequests.CommitAsync(request.Summary.Id, Token);

        Assert.Equal(ChangeRequestStatus.Committed, committed.Summary.Status);
        var live = await core.DefaultStateAsync(feature.Id, production);
        Assert.Equal((true, FlagValue.FromString("new")), (live.Enabled, live.Value));
        Assert.True((await core.EnvironmentRowAsync(production)).DocumentUpdatedAt > stampBefore);
        var version = (await core.Versions.ListAsync(feature.Id, production, Token))[0];
        Assert.Equal((committed.CommittedVersion, "admin"), (version.Number, version.Author));
        Assert.StartsWith($"Change request #{request.Summary.Id}", version.Comment);
        var audit = (await core.AuditEntriesAsync()).Where(a => a.EntityType == "ChangeRequest").Select(a => a.Actor).ToList();
        Assert.Equal(["ana", "bo", "cy", "admin"], audit);
    }

    [Fact]
    public async Task ACommittedRequestIsAFlagChangeForWebhooksAsWellAsARequestEvent()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 1);
        var webhooks = new WebhookService(core.Database, new FixedActor("admin"), core.Access, core.Clock, Options.Create(new WebhookOptions { AllowPrivateAddresses = true }));
        await webhooks.CreateAsync(production, new WebhookInput("http://127.0.0.1:1/hook"), Token);
        var id = await ProposeAsync(core.As("ana"), feature.Id, production);
        await core.As("bo").ChangeRequests.ApproveAsync(id, Token);

        await core.ChangeRequests.CommitAsync(id, Token);

        var events = (await webhooks.ListDeliveriesAsync(production, null, 0, 20, Token)).Items.Select(d => d.EventType).Order().ToList();
        Assert.Equal(["CHANGE_REQUEST_APPROVED", "CHANGE_REQUEST_COMMITTED", "CHANGE_REQUEST_CREATED", WebhookEvents.FlagUpdated], events);
    }

    [Fact]
    public async Task TheAuthorCannotApproveTheirOwnRequestNorAnyoneTwice()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 1);
        var id = await ProposeAsync(core.As("ana"), feature.Id, production);

        var own = await Assert.ThrowsAsync<ValidationException>(() => core.As("ana").ChangeRequests.ApproveAsync(id, Token));
        Assert.Contains("approver", own.Errors.Keys);
        await core.As("bo").ChangeRequests.ApproveAsync(id, Token);
        await Assert.ThrowsAsync<ValidationException>(() => core.As("bo").ChangeRequests.ApproveAsync(id, Token));

        Assert.Equal(1, (await core.ChangeRequests.GetAsync(id, Token)).Summary.Approvals);
    }

    [Fact]
    public async Task ARequestWhoseBaseIsNoLongerLiveCannotBeCommittedUntilRebased()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 1);
        var id = await ProposeAsync(core.As("ana"), feature.Id, production);
        await core.As("bo").ChangeRequests.ApproveAsync(id, Token);
        var other = await ProposeAsync(core.As("cy"), feature.Id, production, "other");
        await core.As("bo").ChangeRequests.ApproveAsync(other, Token);
        await core.ChangeRequests.CommitAsync(other, Token);

        var stale = await core.ChangeRequests.GetAsync(id, Token);
        Assert.True(stale.HasConflict);
        Assert.False(stale.CanBeCommitted);
        var refused = await Assert.ThrowsAsync<ValidationException>(() => core.ChangeRequests.CommitAsync(id, Token));
        Assert.Contains("baseVersion", refused.Errors.Keys);

        var rebased = await core.As("ana").ChangeRequests.RebaseAsync(id, Token);
        Assert.False(rebased.HasConflict);
        Assert.Equal(0, rebased.Summary.Approvals);
        await core.As("bo").ChangeRequests.ApproveAsync(id, Token);
        await core.ChangeRequests.CommitAsync(id, Token);
        Assert.Equal(FlagValue.FromString("proposed"), (await core.DefaultStateAsync(feature.Id, production)).Value);
    }

    [Fact]
    public async Task SegmentOverrideChangesAreProposedToo()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, projectId) = await SeedAsync(core, requiredApprovals: 1);
        var beta = await core.Segments.CreateAsync(projectId, new SegmentInput("beta", null, []), Token);

        var opened = await Assert.ThrowsAsync<ChangeRequestOpenedException>(
            () => core.As("ana").Segments.CreateOverrideAsync(production, feature.Id, beta.Id, true, FlagValue.FromInteger(3), Token));

        Assert.Empty(await core.Segments.ListOverridesAsync(production, feature.Id, Token));
        await core.As("bo").ChangeRequests.ApproveAsync(opened.ChangeRequestId, Token);
        await core.ChangeRequests.CommitAsync(opened.ChangeRequestId, Token);
        var created = Assert.Single(await core.Segments.ListOverridesAsync(production, feature.Id, Token));
        Assert.Equal(("beta", true, FlagValue.FromInteger(3)), (created.SegmentName, created.Enabled, created.Value));
    }

    [Fact]
    public async Task AClosedRequestCanNoLongerBeApprovedOrCommitted()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 1);
        var id = await ProposeAsync(core.As("ana"), feature.Id, production);

        await core.As("ana").ChangeRequests.CloseAsync(id, Token);

        await Assert.ThrowsAsync<ValidationException>(() => core.As("bo").ChangeRequests.ApproveAsync(id, Token));
        await Assert.ThrowsAsync<ValidationException>(() => core.ChangeRequests.CommitAsync(id, Token));
        Assert.Empty(await core.ChangeRequests.ListAsync(production, cancellationToken: Token));
        Assert.Equal(ChangeRequestStatus.Closed, Assert.Single(await core.ChangeRequests.ListAsync(production, includeDone: true, Token)).Status);
    }

    [Fact]
    public async Task WithoutRequiredApprovalsChangesGoLiveAtOnce()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 0);
        var state = await core.DefaultStateAsync(feature.Id, production);

        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.None, state.Version, Token);

        Assert.True((await core.DefaultStateAsync(feature.Id, production)).Enabled);
        await Assert.ThrowsAsync<ValidationException>(async () =>
        {
            var environment = await core.EnvironmentRowAsync(production);
            await core.Environments.SetRequiredApprovalsAsync(production, 11, environment.Version, Token);
        });
    }

    [Fact]
    public async Task TheListShowsRequestsWaitingForSomeoneBeforeScheduledAndDoneOnesNewestFirst()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (feature, production, _) = await SeedAsync(core, requiredApprovals: 1);
        var closed = await ProposeAsync(core.As("ana"), feature.Id, production, "closed");
        var olderOpen = await ProposeAsync(core.As("ana"), feature.Id, production, "older");
        var scheduled = await ProposeAsync(core.As("ana"), feature.Id, production, "scheduled");
        var newerOpen = await ProposeAsync(core.As("ana"), feature.Id, production, "newer");
        await core.As("ana").ChangeRequests.CloseAsync(closed, Token);
        await core.As("bo").ChangeRequests.ApproveAsync(scheduled, Token);
        await core.ChangeRequests.CommitAsync(scheduled, core.Clock.GetUtcNow().AddHours(1), Token);

        var listed = await core.ChangeRequests.ListAsync(production, includeDone: true, Token);

        Assert.Equal([newerOpen, olderOpen, scheduled, closed], listed.Select(r => r.Id));
        Assert.Equal([newerOpen, olderOpen, scheduled], (await core.ChangeRequests.ListAsync(production, cancellationToken: Token)).Select(r => r.Id));
    }

    [Fact]
    public async Task AFeaturesSchedulesAreItsPendingTimedRequestsInTheGivenEnvironmentsSoonestFirst()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var (development, production) = (seeded.EnvironmentIds[0], seeded.EnvironmentIds[1]);
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", InitialValue: FlagValue.FromString("old")), Token);
        var other = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("search", InitialValue: FlagValue.FromString("old")), Token);
        await core.Environments.SetRequiredApprovalsAsync(production, 1, (await core.EnvironmentRowAsync(production)).Version, Token);
        var ana = core.As("ana").ChangeRequests;
        var committed = await ana.ScheduleStateAsync(feature.Id, development, true, FlagValue.FromString("soon"), core.Clock.Now.AddMinutes(10), cancellationToken: Token);
        core.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal([committed.Summary.Id], (await new ScheduledChanges(core.Database, core.Clock).RunDueAsync(Token)).Committed);

        var later = await ana.ScheduleStateAsync(feature.Id, development, false, FlagValue.FromString("later"), core.Clock.Now.AddHours(2), cancellationToken: Token);
        var awaitingApproval = await ana.ScheduleStateAsync(feature.Id, production, true, FlagValue.FromString("gated"), core.Clock.Now.AddHours(1), cancellationToken: Token);
        var closed = await ana.ScheduleStateAsync(feature.Id, development, true, FlagValue.FromString("closed"), core.Clock.Now.AddMinutes(30), cancellationToken: Token);
        await ana.CloseAsync(closed.Summary.Id, Token);
        await ana.ScheduleStateAsync(other.Id, development, true, FlagValue.FromString("other"), core.Clock.Now.AddMinutes(20), cancellationToken: Token);
        await ProposeAsync(core.As("ana"), feature.Id, production, "untimed");

        var schedules = await core.ChangeRequests.ListSchedulesOfFeatureAsync(feature.Id, [development, production], Token);

        Assert.Equal([awaitingApproval.Summary.Id, later.Summary.Id], schedules.Select(s => s.Id));
        Assert.Equal([ChangeRequestStatus.Open, ChangeRequestStatus.Scheduled], schedules.Select(s => s.Status));
        Assert.Equal([later.Summary.Id], (await core.ChangeRequests.ListSchedulesOfFeatureAsync(feature.Id, [development], Token)).Select(s => s.Id));
    }

    private static async Task<(Feature Feature, int Production, int ProjectId)> SeedAsync(CoreServices core, int requiredApprovals)
    {
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var production = seeded.EnvironmentIds[1];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", InitialValue: FlagValue.FromString("old")), Token);
        var environment = await core.EnvironmentRowAsync(production);
        await core.Environments.SetRequiredApprovalsAsync(production, requiredApprovals, environment.Version, Token);
        return (feature, production, seeded.ProjectId);
    }

    private static async Task<int> ProposeAsync(CoreServices author, int featureId, int environmentId, string value = "proposed")
    {
        var live = (await author.Versions.GetAsync(featureId, environmentId, (await author.Versions.ListAsync(featureId, environmentId, Token))[0].Number, Token)).States;
        var request = await author.ChangeRequests.CreateAsync(featureId, environmentId,
            new ChangeRequestInput($"Set {value}", "Why not", live with { Value = FlagValue.FromString(value).ToJson() }, null, ["bo@example.com"]), Token);
        return request.Summary.Id;
    }
}
