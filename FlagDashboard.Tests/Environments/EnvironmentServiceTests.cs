using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Environments;

public sealed class EnvironmentServiceTests
{
    private static readonly FeatureInput SplitFeature = new(
        "button-colour",
        Options: [new(null, FlagValue.FromString("red"), 25), new(null, FlagValue.FromString("blue"), 35)]);

    [Fact]
    public async Task CreatingAnEnvironmentCreatesAStateForEveryFeatureFromItsDefaults()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");
        var standard = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", DefaultEnabled: true, InitialValue: FlagValue.FromDouble(2.5)), Token);
        var split = await core.Features.CreateAsync(seeded.ProjectId, SplitFeature, Token);
        var development = await core.DefaultStateAsync(standard.Id, seeded.EnvironmentIds[0]);
        await core.Features.UpdateStateAsync(development.Id, false, FlagValue.FromString("changed in development"), development.Version, Token);

        var production = await core.Environments.CreateAsync(seeded.ProjectId, "Production", Token);

        var standardState = await core.DefaultStateAsync(standard.Id, production.Id);
        Assert.True(standardState.Enabled);
        Assert.Equal(FlagValue.FromDouble(2.5), standardState.Value);
        var splitState = await core.DefaultStateAsync(split.Id, production.Id);
        Assert.False(splitState.Enabled);
        Assert.Equal(
            [("\"red\"", 25d), ("\"blue\"", 35d)],
            splitState.Weights.OrderBy(w => w.ExternalId).Select(w => (w.Option!.Value.ToJson(), w.Percentage)));
    }

    [Fact]
    public async Task ANewEnvironmentHasATwentyTwoCharacterClientKeyAndAServerSideKeyStartingWithSer()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");

        var environment = await core.Environments.GetAsync(seeded.EnvironmentIds[0], Token);

        Assert.Equal(22, environment.ClientKey.Length);
        Assert.DoesNotContain('.', environment.ClientKey);
        var serverKey = Assert.Single(environment.ServerSideKeys);
        Assert.StartsWith("ser.", serverKey.Key, StringComparison.Ordinal);
        var created = await core.Environments.CreateServerSideKeyAsync(environment.Id, "CI", Token);
        Assert.StartsWith("ser.", created.Key, StringComparison.Ordinal);
        Assert.NotEqual(serverKey.Key, created.Key);
    }

    [Fact]
    public async Task ListingServerSideKeysShowsOnlyTheStartOfEachKey()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");
        var created = await core.Environments.CreateServerSideKeyAsync(seeded.EnvironmentIds[0], "CI", Token);

        var listed = await core.Environments.ListServerSideKeysAsync(seeded.EnvironmentIds[0], Token);

        Assert.Equal(["Default", "CI"], listed.Select(k => k.Name));
        var ci = listed[1];
        Assert.Equal(created.Id, ci.Id);
        Assert.StartsWith("ser.", ci.Key, StringComparison.Ordinal);
        Assert.StartsWith(ci.Key.TrimEnd('…'), created.Key, StringComparison.Ordinal);
        Assert.True(ci.Key.Length < 16, $"The list shows {ci.Key}, most of the secret.");
    }

    [Fact]
    public async Task KeysResolveToTheirEnvironmentUntilAServerSideKeyIsRevoked()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");
        var environment = await core.Environments.GetAsync(seeded.EnvironmentIds[0], Token);
        var serverKey = environment.ServerSideKeys[0];

        var byClientKey = await core.Environments.ResolveKeyAsync(environment.ClientKey, Token);
        var byServerKey = await core.Environments.ResolveKeyAsync(serverKey.Key, Token);
        await core.Environments.RevokeServerSideKeyAsync(serverKey.Id, Token);

        Assert.Equal(new ResolvedEnvironmentKey(environment.Id, seeded.ProjectId, seeded.OrganisationId, false), byClientKey);
        Assert.Equal(new ResolvedEnvironmentKey(environment.Id, seeded.ProjectId, seeded.OrganisationId, true), byServerKey);
        Assert.Null(await core.Environments.ResolveKeyAsync(serverKey.Key, Token));
        Assert.Null(await core.Environments.ResolveKeyAsync("ser.unknown", Token));
    }

    [Fact]
    public async Task EnvironmentNamesAreUniqueWithinAProjectOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var first = await core.SeedProjectAsync("Production");
        var second = await core.SeedProjectAsync("Staging");

        await core.Environments.CreateAsync(second.ProjectId, "Production", Token);
        var onCreate = await Assert.ThrowsAsync<ValidationException>(() => core.Environments.CreateAsync(first.ProjectId, "Production", Token));
        var onClone = await Assert.ThrowsAsync<ValidationException>(() => core.Environments.CloneAsync(first.EnvironmentIds[0], "Production", Token));
        var onRename = await Assert.ThrowsAsync<ValidationException>(() => core.Environments.RenameAsync(second.EnvironmentIds[0], "Production", 0, Token));

        Assert.Contains("name", onCreate.Errors.Keys);
        Assert.Contains("name", onClone.Errors.Keys);
        Assert.Contains("name", onRename.Errors.Keys);
        Assert.Single(await core.Environments.ListAsync(first.ProjectId, Token));
    }

    [Fact]
    public async Task CloningCopiesDefaultStatesWeightsAndSegmentOverridesWithTheirHashKeys()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var sourceId = seeded.EnvironmentIds[0];
        var split = await core.Features.CreateAsync(seeded.ProjectId, SplitFeature, Token);
        var standard = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(split.Id, sourceId);
        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("grey"), state.Version, Token);
        await core.Features.SetWeightsAsync(state.Id, [new(split.Options[0].Id, 10), new(split.Options[1].Id, 70)], state.Version + 1, Token);
        var beta = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        var staff = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("staff", null, []), Token);
        await core.Segments.CreateOverrideAsync(sourceId, standard.Id, beta.Id, true, FlagValue.FromInteger(1), Token);
        await core.Segments.CreateOverrideAsync(sourceId, standard.Id, staff.Id, false, FlagValue.FromInteger(2), Token);
        var splitOverride = await core.Segments.CreateOverrideAsync(sourceId, split.Id, staff.Id, true, FlagValue.FromString("staff"), Token);
        await core.Features.SetWeightsAsync(splitOverride.Id, [new(split.Options[0].Id, 5), new(split.Options[1].Id, 95)], splitOverride.Version, Token);

        var clone = await core.Environments.CloneAsync(sourceId, "Production copy", Token);

        Assert.NotEqual(sourceId, clone.Id);
        foreach (var featureId in new[] { split.Id, standard.Id })
        {
            var states = await core.StatesOfAsync(featureId);
            var source = states.Where(s => s.EnvironmentId == sourceId).OrderBy(s => s.SegmentId).ToList();
            var copied = states.Where(s => s.EnvironmentId == clone.Id).OrderBy(s => s.SegmentId).ToList();
            Assert.Equal(Describe(source), Describe(copied));
            Assert.Empty(source.Select(s => s.Id).Intersect(copied.Select(s => s.Id)));
            Assert.Empty(source.Select(s => s.Uuid).Intersect(copied.Select(s => s.Uuid)));
        }

        Assert.Equal(
            [("beta", 0, true), ("staff", 1, false)],
            (await core.Segments.ListOverridesAsync(clone.Id, standard.Id, Token)).Select(o => (o.SegmentName, o.Priority, o.Enabled)));

        static List<string> Describe(IEnumerable<FeatureState> states) =>
            states.Select(s => $"{s.SegmentId}/{s.SegmentPriority}/{s.Enabled}/{s.Value}/{s.HashKey}/"
                + string.Join(",", s.Weights.OrderBy(w => w.ExternalId).Select(w => $"{w.OptionId}={w.Percentage}@{w.ExternalId}"))).ToList();
    }

    [Fact]
    public async Task CloningLeavesIdentitiesAndTheirOverridesBehind()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var alice = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetTraitAsync(alice.Id, "plan", FlagValue.FromString("gold"), Token);
        await core.Identities.SetOverrideAsync(alice.Id, feature.Id, true, FlagValue.FromString("alice"), Token);

        var clone = await core.Environments.CloneAsync(seeded.EnvironmentIds[0], "Copy", Token);

        Assert.Equal(0, (await core.Identities.SearchAsync(clone.Id, null, 0, 10, Token)).TotalCount);
        var copied = Assert.Single(await core.StatesOfAsync(feature.Id), s => s.EnvironmentId == clone.Id);
        Assert.Null(copied.IdentityId);
        Assert.Equal(1, (await core.Identities.SearchAsync(seeded.EnvironmentIds[0], null, 0, 10, Token)).TotalCount);
    }

    [Fact]
    public async Task ACloneGetsItsOwnKeys()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var source = await core.Environments.GetAsync(seeded.EnvironmentIds[0], Token);

        var clone = await core.Environments.GetAsync((await core.Environments.CloneAsync(source.Id, "Copy", Token)).Id, Token);

        Assert.NotEqual(source.ClientKey, clone.ClientKey);
        Assert.Equal(22, clone.ClientKey.Length);
        Assert.NotEqual(source.ServerSideKeys[0].Key, Assert.Single(clone.ServerSideKeys).Key);
    }

    [Fact]
    public async Task ASecondRenameFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environment = await core.Environments.GetAsync(seeded.EnvironmentIds[0], Token);

        var renamed = await core.Environments.RenameAsync(environment.Id, "Live", environment.Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => core.Environments.RenameAsync(environment.Id, "Prod", environment.Version, Token));

        var stored = await core.Environments.GetAsync(environment.Id, Token);
        Assert.Equal("Live", stored.Name);
        Assert.Equal(environment.Version + 1, renamed.Version);
        Assert.Equal(environment.Version + 1, stored.Version);
    }

    [Fact]
    public async Task TouchingTheDocumentTimeOfAnEnvironmentDoesNotRaiseItsVersion()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var later = core.Clock.Advance(TimeSpan.FromMinutes(5));

        await using (var db = core.NewContext())
        {
            var environment = await db.Environments.SingleAsync(e => e.Id == seeded.EnvironmentIds[0], Token);
            environment.DocumentUpdatedAt = later;
            await db.SaveChangesAsync(Token);
        }

        var touched = await core.EnvironmentRowAsync(seeded.EnvironmentIds[0]);
        Assert.Equal(later, touched.DocumentUpdatedAt);
        Assert.Equal(0, touched.Version);

        await using (var db = core.NewContext())
        {
            var environment = await db.Environments.SingleAsync(e => e.Id == seeded.EnvironmentIds[0], Token);
            environment.Name = "Live";
            await db.SaveChangesAsync(Token);
        }

        Assert.Equal(1, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[0])).Version);
    }

    [Fact]
    public async Task DeletingAnEnvironmentDeletesItsStatesAndIdentitiesOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);

        await core.Environments.DeleteAsync(seeded.EnvironmentIds[0], Token);

        Assert.Equal([seeded.EnvironmentIds[1]], (await core.StatesOfAsync(feature.Id)).Select(s => s.EnvironmentId));
        await using var db = core.NewContext();
        Assert.Empty(db.Identities);
        Assert.Empty(db.ServerSideKeys.Where(k => k.EnvironmentId == seeded.EnvironmentIds[0]));
        var entry = (await core.AuditEntriesAsync()).Last();
        Assert.Equal(AuditAction.Deleted, entry.Action);
        Assert.Equal("Environment", entry.EntityType);
        Assert.Contains("\"name\":\"Development\"", entry.Before, StringComparison.Ordinal);
        Assert.Null(entry.After);
    }
}
