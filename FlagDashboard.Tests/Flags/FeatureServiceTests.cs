using System.Globalization;
using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Flags;

public sealed class FeatureServiceTests
{
    private static FeatureInput Multivariate(string name, params double[] weights) =>
        new(name, Options: weights.Select((w, i) => new MultivariateOptionInput(null, FlagValue.FromString($"variant-{i}"), w)).ToList());

    [Fact]
    public async Task CreatingAFeatureCreatesItsDefaultStateInEveryEnvironment()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development", "Staging", "Production");

        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", DefaultEnabled: true, InitialValue: FlagValue.FromInteger(7)), Token);

        var states = await core.StatesOfAsync(feature.Id);
        Assert.Equal(seeded.EnvironmentIds, states.Select(s => s.EnvironmentId));
        Assert.All(states, s =>
        {
            Assert.True(s.IsEnvironmentDefault);
            Assert.True(s.Enabled);
            Assert.Equal(FlagValue.FromInteger(7), s.Value);
            Assert.Empty(s.Weights);
        });
    }

    [Fact]
    public async Task CreatingAMultivariateFeatureGivesEveryStateTheOptionDefaultWeights()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("button-colour", 30, 45.5), Token);

        Assert.Equal(FeatureType.Multivariate, feature.Type);
        var states = await core.StatesOfAsync(feature.Id);
        Assert.Equal(2, states.Count);
        Assert.All(states, s => Assert.Equal(
            [("\"variant-0\"", 30d), ("\"variant-1\"", 45.5d)],
            s.Weights.OrderBy(w => w.ExternalId).Select(w => (w.Option!.Value.ToJson(), w.Percentage))));
    }

    [Fact]
    public async Task FeatureNamesAreUniqueWithinAProjectOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var first = await core.SeedProjectAsync();
        var second = await core.SeedProjectAsync();
        await core.Features.CreateAsync(first.ProjectId, new FeatureInput("checkout"), Token);

        await core.Features.CreateAsync(second.ProjectId, new FeatureInput("checkout"), Token);
        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.CreateAsync(first.ProjectId, new FeatureInput("checkout"), Token));

        Assert.Contains("name", error.Errors.Keys);
    }

    [Fact]
    public async Task RenamingAFeatureToATakenNameFailsOnTheNameField()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var other = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("search"), Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.UpdateAsync(other.Id, new FeatureInput("checkout"), other.Version, Token));

        Assert.Contains("name", error.Errors.Keys);
        Assert.Equal("search", (await core.Features.GetAsync(other.Id, Token)).Name);
    }

    [Theory]
    [InlineData("beta", "Beta")]
    [InlineData("beta", "beta ")]
    [InlineData("beta", " ")]
    public async Task BlankOrRepeatedTagsAreRejected(string first, string second)
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", Tags: [first, second]), Token));

        Assert.Contains("tags", error.Errors.Keys);
    }

    [Fact]
    public async Task TagsAreStoredTrimmed()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", Tags: [" beta", "ui "]), Token);

        Assert.Equal(["beta", "ui"], (await core.Features.GetAsync(feature.Id, Token)).Tags);
    }

    [Fact]
    public async Task OptionDefaultWeightsOverOneHundredInTotalAreRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 60, 40.5), Token));

        Assert.Contains("options", error.Errors.Keys);
        Assert.Empty(await core.Features.ListAsync(seeded.ProjectId, includeArchived: true, Token));
    }

    [Fact]
    public async Task OptionDefaultWeightsOfExactlyOneHundredAreAccepted()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 33.3, 33.3, 33.4), Token);

        Assert.Equal(3, feature.Options.Count);
    }

    [Fact]
    public async Task SetWeightsOverOneHundredIsRejectedAndLeavesTheWeightsAsTheyWere()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 20, 20), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.SetWeightsAsync(
            state.Id, [new WeightInput(feature.Options[0].Id, 70), new WeightInput(feature.Options[1].Id, 31)], state.Version, Token));

        Assert.Contains("weights", error.Errors.Keys);
        Assert.Equal([20d, 20d], (await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0])).Weights.Select(w => w.Percentage));
    }

    [Fact]
    public async Task SetWeightsOfSomeOptionsCannotPushTheStateOverOneHundred()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 50, 50), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.SetWeightsAsync(
            state.Id, [new WeightInput(feature.Options[0].Id, 60)], state.Version, Token));

        Assert.Contains("weights", error.Errors.Keys);
        Assert.Equal(100d, (await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0])).Weights.Sum(w => w.Percentage));
    }

    [Fact]
    public async Task SetWeightsChangesOnlyTheGivenStateAndRaisesItsVersion()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 50, 50), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        await core.Features.SetWeightsAsync(state.Id, [new WeightInput(feature.Options[0].Id, 10), new WeightInput(feature.Options[1].Id, 80)], state.Version, Token);

        var changed = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
        Assert.Equal([10d, 80d], changed.Weights.OrderBy(w => w.OptionId).Select(w => w.Percentage));
        Assert.Equal(state.Version + 1, changed.Version);
        Assert.Equal([50d, 50d], (await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[1])).Weights.Select(w => w.Percentage));
    }

    [Fact]
    public async Task ASecondSetWeightsFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 50, 50), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        await core.Features.SetWeightsAsync(state.Id, [new WeightInput(feature.Options[0].Id, 10)], state.Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            core.Features.SetWeightsAsync(state.Id, [new WeightInput(feature.Options[1].Id, 20)], state.Version, Token));

        Assert.Equal([10d, 50d], (await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0])).Weights.OrderBy(w => w.ExternalId).Select(w => w.Percentage));
    }

    [Fact]
    public async Task SetWeightsRejectsAnOptionOfAnotherFeature()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 50), Token);
        var other = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("other", 50), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.SetWeightsAsync(
            state.Id, [new WeightInput(other.Options[0].Id, 10)], state.Version, Token));

        Assert.Contains("weights", error.Errors.Keys);
    }

    [Fact]
    public async Task ASecondEditOfAFeatureFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);

        await core.Features.UpdateAsync(feature.Id, new FeatureInput("checkout", Description: "first"), feature.Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            core.Features.UpdateAsync(feature.Id, new FeatureInput("checkout", Description: "second"), feature.Version, Token));

        var stored = await core.Features.GetAsync(feature.Id, Token);
        Assert.Equal("first", stored.Description);
        Assert.Equal(feature.Version + 1, stored.Version);
    }

    [Fact]
    public async Task EverySaveOfAFeatureRaisesItsVersionByOne()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        Assert.Equal(0, feature.Version);

        var renamed = await core.Features.UpdateAsync(feature.Id, new FeatureInput("checkout-v2"), 0, Token);
        var archived = await core.Features.SetArchivedAsync(feature.Id, true, 1, Token);

        Assert.Equal(1, renamed.Version);
        Assert.Equal(2, archived.Version);
        Assert.Equal(2, (await core.Features.GetAsync(feature.Id, Token)).Version);
    }

    [Fact]
    public async Task ChangingOnlyTheOptionsOfAFeatureRaisesItsVersion()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 20, 20), Token);
        var options = feature.Options.Select(o => new MultivariateOptionInput(o.Id, o.Value, 30)).ToList();

        await core.Features.UpdateAsync(feature.Id, new FeatureInput("split", Options: options), feature.Version, Token);

        Assert.Equal(feature.Version + 1, (await core.Features.GetAsync(feature.Id, Token)).Version);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            core.Features.UpdateAsync(feature.Id, Multivariate("split", 10), feature.Version, Token));
        Assert.Equal([30d, 30d], (await core.Features.GetAsync(feature.Id, Token)).Options.Select(o => o.DefaultWeight));
    }

    [Fact]
    public async Task ASecondEditOfAStateFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        core.Clock.Advance(TimeSpan.FromMinutes(1));
        var first = await core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("first"), state.Version, Token);
        core.Clock.Advance(TimeSpan.FromMinutes(1));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            core.Features.UpdateStateAsync(state.Id, false, FlagValue.FromString("second"), state.Version, Token));

        var stored = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
        Assert.True(stored.Enabled);
        Assert.Equal(FlagValue.FromString("first"), stored.Value);
        Assert.Equal(state.Version + 1, first.Version);
        Assert.Equal(state.Version + 1, stored.Version);
    }

    [Fact]
    public async Task UpdatingAStateTouchesOnlyItsEnvironmentAndDoesNotRaiseItsVersion()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
        var created = core.Clock.Now;

        var later = core.Clock.Advance(TimeSpan.FromHours(1));
        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.None, state.Version, Token);

        var changed = await core.EnvironmentRowAsync(seeded.EnvironmentIds[0]);
        var untouched = await core.EnvironmentRowAsync(seeded.EnvironmentIds[1]);
        Assert.Equal(later, changed.DocumentUpdatedAt);
        Assert.Equal(0, changed.Version);
        Assert.Equal(created, untouched.DocumentUpdatedAt);
    }

    [Fact]
    public async Task CreatingUpdatingAndDeletingAFeatureTouchesEveryEnvironmentOfItsProject()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var elsewhere = await core.SeedProjectAsync("Elsewhere");
        var start = core.Clock.Now;

        var created = core.Clock.Advance(TimeSpan.FromMinutes(1));
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        foreach (var id in seeded.EnvironmentIds)
        {
            Assert.Equal(created, (await core.EnvironmentRowAsync(id)).DocumentUpdatedAt);
        }

        var updated = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Features.UpdateAsync(feature.Id, new FeatureInput("checkout", DefaultEnabled: true), feature.Version, Token);
        foreach (var id in seeded.EnvironmentIds)
        {
            Assert.Equal(updated, (await core.EnvironmentRowAsync(id)).DocumentUpdatedAt);
        }

        var deleted = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Features.DeleteAsync(feature.Id, Token);
        foreach (var id in seeded.EnvironmentIds)
        {
            Assert.Equal(deleted, (await core.EnvironmentRowAsync(id)).DocumentUpdatedAt);
        }

        Assert.Equal(start, (await core.EnvironmentRowAsync(elsewhere.EnvironmentIds[0])).DocumentUpdatedAt);
    }

    [Fact]
    public async Task AddingAnOptionGivesItsDefaultWeightToEveryExistingState()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 30), Token);
        var kept = new MultivariateOptionInput(feature.Options[0].Id, feature.Options[0].Value, 30);

        var updated = await core.Features.UpdateAsync(feature.Id,
            new FeatureInput("split", Options: [kept, new MultivariateOptionInput(null, FlagValue.FromString("new"), 25)]), feature.Version, Token);

        var added = updated.Options.Single(o => o.Value == FlagValue.FromString("new"));
        var states = await core.StatesOfAsync(feature.Id);
        Assert.Equal(2, states.Count);
        Assert.All(states, s => Assert.Equal(
            [(feature.Options[0].Id, 30d), (added.Id, 25d)],
            s.Weights.OrderBy(w => w.ExternalId).Select(w => (w.OptionId, w.Percentage))));
    }

    [Fact]
    public async Task ANewOptionThatDoesNotFitUnderOneHundredEntersWithZero()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 30), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
        await core.Features.SetWeightsAsync(state.Id, [new WeightInput(feature.Options[0].Id, 90)], state.Version, Token);
        var kept = new MultivariateOptionInput(feature.Options[0].Id, feature.Options[0].Value, 30);

        await core.Features.UpdateAsync(feature.Id,
            new FeatureInput("split", Options: [kept, new MultivariateOptionInput(null, FlagValue.FromString("new"), 25)]), feature.Version, Token);

        Assert.Equal([90d, 0d], (await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0])).Weights.OrderBy(w => w.ExternalId).Select(w => w.Percentage));
        Assert.Equal([30d, 25d], (await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[1])).Weights.OrderBy(w => w.ExternalId).Select(w => w.Percentage));
    }

    [Fact]
    public async Task RemovingAnOptionRemovesItsWeightsFromEveryState()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 30, 20), Token);
        var kept = feature.Options[1];

        var updated = await core.Features.UpdateAsync(feature.Id,
            new FeatureInput("split", Options: [new MultivariateOptionInput(kept.Id, kept.Value, 20)]), feature.Version, Token);

        Assert.Equal([kept.Id], updated.Options.Select(o => o.Id));
        var states = await core.StatesOfAsync(feature.Id);
        Assert.Equal(2, states.Count);
        Assert.All(states, s => Assert.Equal([kept.Id], s.Weights.Select(w => w.OptionId)));
        await using var db = core.NewContext();
        Assert.DoesNotContain(db.MultivariateOptions, o => o.Id == feature.Options[0].Id);
    }

    [Fact]
    public async Task ReplacingAnOptionGivesTheNewOneTheShareTheRemovedOneFreed()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 50, 50), Token);
        var kept = feature.Options[0];

        await core.Features.UpdateAsync(feature.Id,
            new FeatureInput("split", Options: [new MultivariateOptionInput(kept.Id, kept.Value, 50), new MultivariateOptionInput(null, FlagValue.FromString("new"), 50)]),
            feature.Version, Token);

        var states = await core.StatesOfAsync(feature.Id);
        Assert.All(states, s => Assert.Equal(
            [("\"variant-0\"", 50d), ("\"new\"", 50d)],
            s.Weights.OrderBy(w => w.ExternalId).Select(w => (w.Option!.Value.ToJson(), w.Percentage))));
    }

    [Fact]
    public async Task AnUpdateListingAnOptionTwiceIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 30), Token);
        var option = new MultivariateOptionInput(feature.Options[0].Id, FlagValue.FromString("again"), 10);

        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            core.Features.UpdateAsync(feature.Id, new FeatureInput("split", Options: [option, option]), feature.Version, Token));

        Assert.Contains("options", error.Errors.Keys);
    }

    [Fact]
    public async Task AnUpdateNamingAnOptionOfAnotherFeatureIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 30), Token);
        var other = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("other", 30), Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Features.UpdateAsync(feature.Id,
            new FeatureInput("split", Options: [new MultivariateOptionInput(other.Options[0].Id, FlagValue.FromString("x"), 10)]), feature.Version, Token));

        Assert.Contains("options", error.Errors.Keys);
        Assert.Equal([feature.Options[0].Id], (await core.Features.GetAsync(feature.Id, Token)).Options.Select(o => o.Id));
    }

    [Fact]
    public async Task ArchivedFeaturesAreLeftOutOfTheDefaultListUntilUnarchived()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var archived = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("old"), Token);
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("current"), Token);

        var afterArchive = await core.Features.SetArchivedAsync(archived.Id, true, archived.Version, Token);

        Assert.Equal(["current"], (await core.Features.ListAsync(seeded.ProjectId, cancellationToken: Token)).Select(f => f.Name));
        Assert.Equal(["current", "old"], (await core.Features.ListAsync(seeded.ProjectId, includeArchived: true, Token)).Select(f => f.Name));
        Assert.Equal(["current"], (await core.Features.ListStatesAsync(seeded.EnvironmentIds[0], cancellationToken: Token)).Select(s => s.Feature.Name));

        await core.Features.SetArchivedAsync(archived.Id, false, afterArchive.Version, Token);

        Assert.Equal(["current", "old"], (await core.Features.ListAsync(seeded.ProjectId, cancellationToken: Token)).Select(f => f.Name));
    }

    [Fact]
    public async Task DeletingAFeatureDeletesItsStatesOverridesAndWeights()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("split", 50), Token);
        var survivor = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("survivor"), Token);
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], feature.Id, segment.Id, true, FlagValue.None, Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.None, Token);
        Assert.Equal(4, (await core.StatesOfAsync(feature.Id)).Count);

        await core.Features.DeleteAsync(feature.Id, Token);

        Assert.Empty(await core.StatesOfAsync(feature.Id));
        Assert.Equal(2, (await core.StatesOfAsync(survivor.Id)).Count);
        await using var db = core.NewContext();
        Assert.Empty(db.MultivariateWeights);
        Assert.Empty(db.MultivariateOptions);
        await Assert.ThrowsAsync<NotFoundException>(() => core.Features.GetAsync(feature.Id, Token));
    }

    [Fact]
    public async Task UpdatingAFeatureRecordsWhoChangedItWithBeforeAndAfter()
    {
        await using var core = await CoreServices.CreateAsync("alice");
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", Description: "old text"), Token);

        await core.As("bob").Features.UpdateAsync(feature.Id, new FeatureInput("checkout", Description: "new text"), feature.Version, Token);

        var entry = (await core.AuditEntriesAsync()).Last();
        Assert.Equal("bob", entry.Actor);
        Assert.Equal(AuditAction.Updated, entry.Action);
        Assert.Equal("Feature", entry.EntityType);
        Assert.Equal(feature.Id.ToString(CultureInfo.InvariantCulture), entry.EntityId);
        Assert.Equal(seeded.ProjectId, entry.ProjectId);
        Assert.Contains("\"description\":\"old text\"", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"description\":\"new text\"", entry.After, StringComparison.Ordinal);
    }
}
