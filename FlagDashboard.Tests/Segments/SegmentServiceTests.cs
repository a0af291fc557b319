using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Segments;

public sealed class SegmentServiceTests
{
    private static SegmentInput Segment(string name, string plan = "gold", string? description = null) =>
        new(name, description, [new SegmentRule { Conditions = [new Condition { Property = "plan", Operator = Operators.Equal, Value = plan }] }]);

    [Fact]
    public async Task SegmentNamesAreUniqueWithinAProjectOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var first = await core.SeedProjectAsync();
        var second = await core.SeedProjectAsync();
        await core.Segments.CreateAsync(first.ProjectId, Segment("beta"), Token);

        await core.Segments.CreateAsync(second.ProjectId, Segment("beta"), Token);
        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Segments.CreateAsync(first.ProjectId, Segment("beta"), Token));

        Assert.Contains("name", error.Errors.Keys);
        Assert.Single(await core.Segments.ListAsync(first.ProjectId, Token));
    }

    [Fact]
    public async Task ASegmentWithAnInvalidRuleIsRejectedNamingThePath()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var input = new SegmentInput("beta", null,
            [new SegmentRule { Rules = [new SegmentRule(), new SegmentRule { Conditions = [new Condition { Property = "id", Operator = Operators.Modulo, Value = "0|1" }] }] }]);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Segments.CreateAsync(seeded.ProjectId, input, Token));

        Assert.Equal(["rules[0].rules[1].conditions[0].value"], error.Errors.Keys);
        Assert.Empty(await core.Segments.ListAsync(seeded.ProjectId, Token));
    }

    [Fact]
    public async Task RulesAreStoredAndReadBackWhole()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var input = new SegmentInput("beta", "early adopters",
        [
            new SegmentRule
            {
                Type = RuleType.Any,
                Conditions = [new Condition { Property = "plan", Operator = Operators.In, Value = "gold,silver" }],
                Rules = [new SegmentRule { Type = RuleType.None, Conditions = [new Condition { Operator = Operators.PercentageSplit, Value = "10" }] }],
            },
        ]);

        var created = await core.Segments.CreateAsync(seeded.ProjectId, input, Token);
        var stored = await core.Segments.GetAsync(created.Id, Token);

        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(input.Rules), System.Text.Json.JsonSerializer.Serialize(stored.Rules));
        Assert.Equal("early adopters", stored.Description);
    }

    [Fact]
    public async Task ASecondEditFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment("beta"), Token);

        var first = await core.Segments.UpdateAsync(segment.Id, Segment("beta", plan: "silver"), segment.Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => core.Segments.UpdateAsync(segment.Id, Segment("beta", plan: "bronze"), segment.Version, Token));

        var stored = await core.Segments.GetAsync(segment.Id, Token);
        Assert.Equal("silver", stored.Rules[0].Conditions[0].Value);
        Assert.Equal(segment.Version + 1, first.Version);
        Assert.Equal(segment.Version + 1, stored.Version);
    }

    [Fact]
    public async Task ChangingASegmentTouchesEveryEnvironmentOfItsProjectOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var other = await core.SeedProjectAsync("Other");
        var start = core.Clock.Now;

        var created = core.Clock.Advance(TimeSpan.FromMinutes(1));
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment("beta"), Token);
        await AssertTouchedAsync(created);
        var updated = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Segments.UpdateAsync(segment.Id, Segment("beta", plan: "silver"), segment.Version, Token);
        await AssertTouchedAsync(updated);
        var deleted = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Segments.DeleteAsync(segment.Id, Token);
        await AssertTouchedAsync(deleted);

        Assert.Equal(start, (await core.EnvironmentRowAsync(other.EnvironmentIds[0])).DocumentUpdatedAt);

        async Task AssertTouchedAsync(DateTimeOffset at)
        {
            foreach (var id in seeded.EnvironmentIds)
            {
                var environment = await core.EnvironmentRowAsync(id);
                Assert.Equal(at, environment.DocumentUpdatedAt);
                Assert.Equal(0, environment.Version);
            }
        }
    }

    [Fact]
    public async Task ANewOverrideGoesLastInPriority()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var segments = new List<Segment>();
        foreach (var name in new[] { "gamma", "alpha", "beta" })
        {
            segments.Add(await core.Segments.CreateAsync(seeded.ProjectId, Segment(name), Token));
        }

        foreach (var segment in segments)
        {
            await core.Segments.CreateOverrideAsync(environmentId, feature.Id, segment.Id, true, FlagValue.FromString(segment.Name), Token);
        }

        var overrides = await core.Segments.ListOverridesAsync(environmentId, feature.Id, Token);
        Assert.Equal([("gamma", 0), ("alpha", 1), ("beta", 2)], overrides.Select(o => (o.SegmentName, o.Priority)));
        Assert.Equal(FlagValue.FromString("alpha"), overrides[1].Value);
        Assert.Empty(await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[1], feature.Id, Token));

        await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[1], feature.Id, segments[2].Id, false, FlagValue.None, Token);
        var byEnvironment = await core.Segments.ListOverridesOfFeatureAsync(feature.Id, Token);
        Assert.Equal(["gamma", "alpha", "beta"], byEnvironment[environmentId].Select(o => o.SegmentName));
        Assert.Equal(["beta"], byEnvironment[seeded.EnvironmentIds[1]].Select(o => o.SegmentName));
    }

    [Fact]
    public async Task ASecondOverrideOfTheSameFeatureBySegmentIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment("beta"), Token);
        await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], feature.Id, segment.Id, true, FlagValue.None, Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], feature.Id, segment.Id, false, FlagValue.None, Token));

        Assert.Contains("segmentId", error.Errors.Keys);
        Assert.Single(await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token));
        await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[1], feature.Id, segment.Id, false, FlagValue.None, Token);
    }

    [Fact]
    public async Task AnOverrideOfAFeatureOrSegmentFromAnotherProjectIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var other = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment("beta"), Token);
        var foreignFeature = await core.Features.CreateAsync(other.ProjectId, new FeatureInput("checkout"), Token);
        var foreignSegment = await core.Segments.CreateAsync(other.ProjectId, Segment("beta"), Token);

        var byFeature = await Assert.ThrowsAsync<ValidationException>(() =>
            core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], foreignFeature.Id, segment.Id, true, FlagValue.None, Token));
        var bySegment = await Assert.ThrowsAsync<ValidationException>(() =>
            core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], feature.Id, foreignSegment.Id, true, FlagValue.None, Token));

        Assert.Contains("featureId", byFeature.Errors.Keys);
        Assert.Contains("segmentId", bySegment.Errors.Keys);
    }

    [Fact]
    public async Task ReorderingSetsPrioritiesInTheGivenOrder()
    {
        await using var core = await CoreServices.CreateAsync();
        var (seeded, feature, overrides) = await SeedOverridesAsync(core, "a", "b", "c");

        await core.Segments.ReorderOverridesAsync(seeded.EnvironmentIds[0], feature.Id, [overrides[2].StateId, overrides[0].StateId, overrides[1].StateId], Token);

        var reordered = await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token);
        Assert.Equal([("c", 0), ("a", 1), ("b", 2)], reordered.Select(o => (o.SegmentName, o.Priority)));
    }

    [Theory]
    [InlineData(new[] { 0, 1 })]
    [InlineData(new[] { 0, 1, 1 })]
    [InlineData(new[] { 0, 1, 2, 2 })]
    public async Task AReorderThatDoesNotListEveryOverrideExactlyOnceIsRejected(int[] positions)
    {
        await using var core = await CoreServices.CreateAsync();
        var (seeded, feature, overrides) = await SeedOverridesAsync(core, "a", "b", "c");

        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            core.Segments.ReorderOverridesAsync(seeded.EnvironmentIds[0], feature.Id, positions.Select(p => overrides[p].StateId).Reverse().ToList(), Token));

        Assert.Contains("order", error.Errors.Keys);
        Assert.Equal([("a", 0), ("b", 1), ("c", 2)], (await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token)).Select(o => (o.SegmentName, o.Priority)));
    }

    [Fact]
    public async Task ReorderingAFeatureWithoutOverridesByAnEmptyListChangesNothing()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var entries = (await core.AuditEntriesAsync()).Count;

        await core.Segments.ReorderOverridesAsync(seeded.EnvironmentIds[0], feature.Id, [], Token);

        Assert.Empty(await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token));
        Assert.Equal(entries, (await core.AuditEntriesAsync()).Count);
    }

    [Fact]
    public async Task AnOverrideValueLongerThanTheLimitIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment("beta"), Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Segments.CreateOverrideAsync(
            seeded.EnvironmentIds[0], feature.Id, segment.Id, true, FlagValue.FromString(new string('x', FieldLimits.Value + 1)), Token));

        Assert.Contains("value", error.Errors.Keys);
        Assert.Empty(await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token));
    }

    [Fact]
    public async Task AReorderNamingAnOverrideOfAnotherFeatureIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var (seeded, feature, overrides) = await SeedOverridesAsync(core, "a", "b");
        var other = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("other"), Token);
        var otherOverride = await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], other.Id, overrides[0].SegmentId, true, FlagValue.None, Token);

        await Assert.ThrowsAsync<ValidationException>(() =>
            core.Segments.ReorderOverridesAsync(seeded.EnvironmentIds[0], feature.Id, [overrides[1].StateId, otherOverride.Id], Token));
    }

    [Fact]
    public async Task DeletingAnOverrideLeavesTheOthersAndTheDefaultState()
    {
        await using var core = await CoreServices.CreateAsync();
        var (seeded, feature, overrides) = await SeedOverridesAsync(core, "a", "b");

        await core.Segments.DeleteOverrideAsync(overrides[0].StateId, Token);

        Assert.Equal(["b"], (await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token)).Select(o => o.SegmentName));
        await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
        var entry = (await core.AuditEntriesAsync()).Last();
        Assert.Equal(AuditAction.Deleted, entry.Action);
        Assert.Equal("SegmentOverride", entry.EntityType);
        Assert.NotNull(entry.Before);
        Assert.Null(entry.After);
    }

    [Fact]
    public async Task DeletingADefaultStateAsAnOverrideIsNotFound()
    {
        await using var core = await CoreServices.CreateAsync();
        var (seeded, feature, _) = await SeedOverridesAsync(core, "a");
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        await Assert.ThrowsAsync<NotFoundException>(() => core.Segments.DeleteOverrideAsync(state.Id, Token));

        await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
    }

    [Fact]
    public async Task OverrideChangesTouchOnlyTheirEnvironment()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var a = await core.Segments.CreateAsync(seeded.ProjectId, Segment("a"), Token);
        var b = await core.Segments.CreateAsync(seeded.ProjectId, Segment("b"), Token);
        var start = core.Clock.Now;
        var environmentId = seeded.EnvironmentIds[0];

        var created = core.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await core.Segments.CreateOverrideAsync(environmentId, feature.Id, a.Id, true, FlagValue.None, Token);
        Assert.Equal(created, (await core.EnvironmentRowAsync(environmentId)).DocumentUpdatedAt);
        var second = await core.Segments.CreateOverrideAsync(environmentId, feature.Id, b.Id, true, FlagValue.None, Token);
        var updated = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Features.UpdateStateAsync(first.Id, false, FlagValue.FromBool(true), first.Version, Token);
        Assert.Equal(updated, (await core.EnvironmentRowAsync(environmentId)).DocumentUpdatedAt);
        var reordered = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Segments.ReorderOverridesAsync(environmentId, feature.Id, [second.Id, first.Id], Token);
        Assert.Equal(reordered, (await core.EnvironmentRowAsync(environmentId)).DocumentUpdatedAt);
        var deleted = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Segments.DeleteOverrideAsync(first.Id, Token);
        Assert.Equal(deleted, (await core.EnvironmentRowAsync(environmentId)).DocumentUpdatedAt);

        var untouched = await core.EnvironmentRowAsync(seeded.EnvironmentIds[1]);
        Assert.Equal(start, untouched.DocumentUpdatedAt);
        Assert.Equal(0, (await core.EnvironmentRowAsync(environmentId)).Version);
    }

    [Fact]
    public async Task ASecondEditOfAnOverrideFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var (_, _, overrides) = await SeedOverridesAsync(core, "a");
        var stateId = overrides[0].StateId;

        core.Clock.Advance(TimeSpan.FromSeconds(1));
        await core.Features.UpdateStateAsync(stateId, false, FlagValue.FromString("first"), overrides[0].Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            core.Features.UpdateStateAsync(stateId, true, FlagValue.FromString("second"), overrides[0].Version, Token));

        await using var db = core.NewContext();
        var stored = db.FeatureStates.Single(s => s.Id == stateId);
        Assert.Equal(FlagValue.FromString("first"), stored.Value);
        Assert.Equal(overrides[0].Version + 1, stored.Version);
    }

    [Fact]
    public async Task DeletingASegmentDeletesItsOverrides()
    {
        await using var core = await CoreServices.CreateAsync();
        var (seeded, feature, overrides) = await SeedOverridesAsync(core, "a", "b");

        await core.Segments.DeleteAsync(overrides[0].SegmentId, Token);

        Assert.Equal(["b"], (await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token)).Select(o => o.SegmentName));
        Assert.Equal(["b"], (await core.Segments.ListAsync(seeded.ProjectId, Token)).Select(s => s.Name));
    }

    [Fact]
    public async Task DeletingASegmentMakesAVersionWithoutItsOverrideForEachFeatureItOverrode()
    {
        await using var core = await CoreServices.CreateAsync("admin");
        var (seeded, feature, overrides) = await SeedOverridesAsync(core, "a", "b");
        var untouched = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("untouched"), Token);
        var environmentId = seeded.EnvironmentIds[0];
        var before = await core.Versions.ListAsync(feature.Id, environmentId, Token);
        var untouchedBefore = await core.Versions.ListAsync(untouched.Id, environmentId, Token);

        await core.Segments.DeleteAsync(overrides[0].SegmentId, Token);

        var after = await core.Versions.ListAsync(feature.Id, environmentId, Token);
        Assert.Equal(before.Count + 1, after.Count);
        Assert.Equal(("admin", true), (after[0].Author, after[0].Comment!.Contains("Segment a deleted", StringComparison.Ordinal)));
        var live = await core.Versions.GetAsync(feature.Id, environmentId, after[0].Number, Token);
        Assert.Equal(["b"], live.States.SegmentOverrides.Select(o => o.SegmentName));
        var previous = await core.Versions.GetAsync(feature.Id, environmentId, before[0].Number, Token);
        Assert.Equal(["a", "b"], previous.States.SegmentOverrides.Select(o => o.SegmentName));
        Assert.Equal(untouchedBefore.Count, (await core.Versions.ListAsync(untouched.Id, environmentId, Token)).Count);
    }

    private static async Task<(SeededProject Seeded, Feature Feature, IReadOnlyList<SegmentOverrideView> Overrides)> SeedOverridesAsync(CoreServices core, params string[] segmentNames)
    {
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        foreach (var name in segmentNames)
        {
            var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment(name), Token);
            await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], feature.Id, segment.Id, true, FlagValue.FromString(name), Token);
        }

        return (seeded, feature, await core.Segments.ListOverridesAsync(seeded.EnvironmentIds[0], feature.Id, Token));
    }
}
