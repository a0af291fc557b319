using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Usage;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage;

/// <summary>Stale flags from the usage store's last evaluations: evaluated before or after the threshold, younger flags, permanent and archived ones.</summary>
public sealed class StaleFlagServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFlagUnevaluatedForThirtyOneDaysIsStaleAndOneEvaluatedTwentyNineDaysAgoIsNot()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var (development, production) = (seeded.EnvironmentIds[0], seeded.EnvironmentIds[1]);
        var quiet = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("quiet"), Cancel);
        var busy = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("busy"), Cancel);
        var never = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("never"), Cancel);
        var permanent = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("kill-switch", Tags: ["Permanent"]), Cancel);
        var archived = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("old"), Cancel);
        await core.Features.SetArchivedAsync(archived.Id, true, archived.Version, Cancel);
        core.Clock.Advance(TimeSpan.FromDays(60));
        var young = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("young"), Cancel);
        core.Clock.Advance(TimeSpan.FromDays(10));
        var now = core.Clock.Now;

        var store = EmbeddedUsageStoreTests.Store(core.Database, core.Clock);
        await store.WriteAsync(
        [
            Evaluations(seeded, now.AddDays(-31), (development, quiet.Id, 3), (production, busy.Id, 1)),
            Evaluations(seeded, now.AddDays(-29), (development, busy.Id, 2)),
        ], Cancel);
        await store.PruneAsync(Cancel);
        var stale = new StaleFlagService(new UsageQueryService(store, core.Database, core.Access, core.Clock), core.Database, core.Access, core.Clock);

        var flags = (await stale.ForProjectAsync(seeded.ProjectId, cancellationToken: Cancel)).ToDictionary(f => f.Name);

        Assert.Equal(["busy", "kill-switch", "never", "old", "quiet", "young"], flags.Keys);
        Assert.Equal(["never", "quiet"], flags.Values.Where(f => f.IsStale).Select(f => f.Name));
        Assert.Equal(UsageWindow.OneDay.Floor(now.AddDays(-31)), flags["quiet"].LastEvaluated);
        Assert.Equal([development, production], flags["busy"].Environments.Select(e => e.EnvironmentId));
        Assert.Null(flags["never"].LastEvaluated);

        Assert.All(flags.Values, f => Assert.Equal(30, f.ThresholdDays));

        // The project's own longer threshold makes the 31-day-old one fresh again; one given to the call wins over it.
        var project = await core.Projects.GetAsync(seeded.ProjectId, Cancel);
        await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings(project.Name, project.HideDisabledFlags, StaleFlagDays: 45), project.Version, Cancel);
        var longer = await stale.ForProjectAsync(seeded.ProjectId, cancellationToken: Cancel);
        Assert.Equal(["never"], longer.Where(f => f.IsStale).Select(f => f.Name));
        Assert.Equal(45, longer[0].ThresholdDays);
        var given = await stale.ForProjectAsync(seeded.ProjectId, TimeSpan.FromDays(30), Cancel);
        Assert.Equal(["never", "quiet"], given.Where(f => f.IsStale).Select(f => f.Name));
    }

    [Fact]
    public async Task ATagNamedPermanentInAnyCaseKeepsAFlagFromBeingStale()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("ops-toggle", Tags: ["PERMANENT", "ops"]), Cancel);
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("almost", Tags: ["permanently-off"]), Cancel);
        core.Clock.Advance(TimeSpan.FromDays(40));
        var store = EmbeddedUsageStoreTests.Store(core.Database, core.Clock);
        var stale = new StaleFlagService(new UsageQueryService(store, core.Database, core.Access, core.Clock), core.Database, core.Access, core.Clock);

        var flags = await stale.ForProjectAsync(seeded.ProjectId, cancellationToken: Cancel);

        Assert.Equal(["almost"], flags.Where(f => f.IsStale).Select(f => f.Name));
    }

    [Fact]
    public async Task SomeoneWhoCannotReadTheProjectIsRefused()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var stranger = core.As(new AccessSubject.Anonymous());
        var store = EmbeddedUsageStoreTests.Store(core.Database, core.Clock);
        var stale = new StaleFlagService(new UsageQueryService(store, core.Database, stranger.Access, core.Clock), core.Database, stranger.Access, core.Clock);

        await Assert.ThrowsAsync<ForbiddenException>(() => stale.ForProjectAsync(seeded.ProjectId, cancellationToken: Cancel));
    }

    private static UsageBatch Evaluations(SeededProject seeded, DateTimeOffset minute, params (int Environment, int Feature, long Count)[] counts) =>
        new(minute, new Dictionary<ApiCall, long>(), counts.ToDictionary(c => new EvaluationKey(seeded.OrganisationId, seeded.ProjectId, c.Environment, c.Feature), c => c.Count));
}
