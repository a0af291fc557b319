using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Versions;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Versions;

public sealed class FeatureVersionServiceTests
{
    [Fact]
    public async Task CreatingAFeatureStartsItsHistoryInEveryEnvironment()
    {
        await using var core = await CoreServices.CreateAsync("ana");
        var seeded = await core.SeedProjectAsync("Development", "Production");

        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);

        foreach (var environmentId in seeded.EnvironmentIds)
        {
            var version = Assert.Single(await core.Versions.ListAsync(feature.Id, environmentId, Token));
            Assert.Equal((1, "ana", "Created", true), (version.Number, version.Author, version.Comment, version.IsLive));
        }
    }

    [Fact]
    public async Task EachChangeOfTheStatesInAnEnvironmentIsANewVersionOfThatEnvironmentOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var production = seeded.EnvironmentIds[1];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("colour", 50, 50), Token);
        var beta = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        var staff = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("staff", null, []), Token);

        var state = await core.DefaultStateAsync(feature.Id, production);
        state = await core.As("bo").Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("blue"), state.Version, Token);
        var options = state.Weights.OrderBy(w => w.OptionId).Select(w => w.OptionId).ToList();
        await core.Features.SetWeightsAsync(state.Id, [new WeightInput(options[0], 20), new WeightInput(options[1], 80)], state.Version, Token);
        var betaOverride = await core.Segments.CreateOverrideAsync(production, feature.Id, beta.Id, true, FlagValue.FromString("red"), Token);
        var staffOverride = await core.Segments.CreateOverrideAsync(production, feature.Id, staff.Id, false, FlagValue.None, Token);
        await core.Segments.ReorderOverridesAsync(production, feature.Id, [staffOverride.Id, betaOverride.Id], Token);
        await core.Segments.DeleteOverrideAsync(betaOverride.Id, Token);
        var alice = await core.Identities.CreateAsync(production, "alice", Token);
        await core.Identities.SetOverrideAsync(alice.Id, feature.Id, true, FlagValue.FromString("gold"), Token);

        var history = await core.Versions.ListAsync(feature.Id, production, Token);
        Assert.Equal(
            ["Segment override removed for beta", "Segment override order changed", "Segment override added for staff", "Segment override added for beta", "Weights set", "Switched on", "Created"],
            history.Select(v => v.Comment));
        Assert.Equal([7, 6, 5, 4, 3, 2, 1], history.Select(v => v.Number));
        Assert.Equal("bo", history.Single(v => v.Number == 2).Author);
        Assert.Single(await core.Versions.ListAsync(feature.Id, seeded.EnvironmentIds[0], Token));

        var reordered = (await core.Versions.GetAsync(feature.Id, production, 6, Token)).States;
        Assert.Equal(["staff", "beta"], reordered.SegmentOverrides.Select(o => o.SegmentName));
        Assert.Equal([20d, 80d], reordered.Weights.Select(w => w.Percentage));
        Assert.Equal(FlagValue.FromString("blue"), reordered.FlagValue);
    }

    [Fact]
    public async Task SavingTheSameStatesAgainAddsNoVersion()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        await core.Features.UpdateStateAsync(state.Id, state.Enabled, state.Value, state.Version, Token);

        Assert.Single(await core.Versions.ListAsync(feature.Id, seeded.EnvironmentIds[0], Token));
    }

    [Fact]
    public async Task RestoringAnOldVersionMakesItsStatesLiveAsANewVersionAndTellsTheSdks()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, Multivariate("colour", 30, 30), Token);
        var beta = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        var staff = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("staff", null, []), Token);
        var state = await core.DefaultStateAsync(feature.Id, environmentId);
        state = await core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("blue"), state.Version, Token);
        await core.Segments.CreateOverrideAsync(environmentId, feature.Id, beta.Id, true, FlagValue.FromString("red"), Token);
        var good = (await core.Versions.ListAsync(feature.Id, environmentId, Token))[0].Number;

        state = await core.Features.UpdateStateAsync(state.Id, false, FlagValue.FromString("broken"), state.Version, Token);
        var options = state.Weights.OrderBy(w => w.OptionId).Select(w => w.OptionId).ToList();
        await core.Features.SetWeightsAsync(state.Id, [new WeightInput(options[0], 0), new WeightInput(options[1], 100)], state.Version, Token);
        var betaOverride = (await core.Segments.ListOverridesAsync(environmentId, feature.Id, Token)).Single();
        await core.Segments.DeleteOverrideAsync(betaOverride.StateId, Token);
        await core.Segments.CreateOverrideAsync(environmentId, feature.Id, staff.Id, false, FlagValue.None, Token);
        var live = (await core.Versions.ListAsync(feature.Id, environmentId, Token))[0].Number;
        var stampBefore = (await core.EnvironmentRowAsync(environmentId)).DocumentUpdatedAt;
        core.Clock.Advance(TimeSpan.FromSeconds(5));

        var restored = await core.As("cy").Versions.RestoreAsync(feature.Id, environmentId, good, live, cancellationToken: Token);

        Assert.Equal(live + 1, restored.Version.Number);
        Assert.True(restored.Version.IsLive);
        Assert.Equal(("cy", $"Restored version {good}"), (restored.Version.Author, restored.Version.Comment));
        var now = await core.DefaultStateAsync(feature.Id, environmentId);
        Assert.Equal((true, FlagValue.FromString("blue")), (now.Enabled, now.Value));
        Assert.Equal([30d, 30d], now.Weights.OrderBy(w => w.OptionId).Select(w => w.Percentage));
        var overrides = await core.Segments.ListOverridesAsync(environmentId, feature.Id, Token);
        Assert.Equal([("beta", true, "\"red\"")], overrides.Select(o => (o.SegmentName, o.Enabled, o.Value.ToJson())));
        Assert.True((await core.EnvironmentRowAsync(environmentId)).DocumentUpdatedAt > stampBefore);
        Assert.Equal(
            StatesDiff.Compare((await core.Versions.GetAsync(feature.Id, environmentId, good, Token)).States, restored.States).Where(l => l.Changed),
            []);
        Assert.Contains(await core.AuditEntriesAsync(), a => a.EntityType == "FeatureVersion" && a.Actor == "cy");
    }

    [Fact]
    public async Task ARestoreMadeAgainstAVersionThatIsNoLongerLiveIsRefused()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(feature.Id, environmentId);
        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.None, state.Version, Token);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => core.Versions.RestoreAsync(feature.Id, environmentId, 1, expectedLiveNumber: 1, cancellationToken: Token));

        Assert.True((await core.DefaultStateAsync(feature.Id, environmentId)).Enabled);
        Assert.Equal(2, (await core.Versions.ListAsync(feature.Id, environmentId, Token)).Count);
    }

    [Fact]
    public async Task AFeatureWithoutHistoryGetsItsStatesBeforeTheFirstChangeAsVersionOne()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", InitialValue: FlagValue.FromInteger(1)), Token);
        await using (var db = core.NewContext())
        {
            // As a database upgraded from before versions holds it.
            await db.FeatureVersions.ExecuteDeleteAsync(Token);
        }

        var state = await core.DefaultStateAsync(feature.Id, environmentId);
        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromInteger(2), state.Version, Token);

        var history = await core.Versions.ListAsync(feature.Id, environmentId, Token);
        Assert.Equal([2, 1], history.Select(v => v.Number));
        Assert.Equal(FlagValue.FromInteger(1), (await core.Versions.GetAsync(feature.Id, environmentId, 1, Token)).States.FlagValue);
        Assert.Equal(FlagValue.FromInteger(2), (await core.Versions.GetAsync(feature.Id, environmentId, 2, Token)).States.FlagValue);
    }

    [Fact]
    public async Task AVersionOfAnotherProjectsFeatureIsNotFound()
    {
        await using var core = await CoreServices.CreateAsync();
        var first = await core.SeedProjectAsync();
        var second = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(first.ProjectId, new FeatureInput("checkout"), Token);

        await Assert.ThrowsAsync<NotFoundException>(() => core.Versions.ListAsync(feature.Id, second.EnvironmentIds[0], Token));
        await Assert.ThrowsAsync<NotFoundException>(() => core.Versions.GetAsync(feature.Id, first.EnvironmentIds[0], 99, Token));
    }

    private static FeatureInput Multivariate(string name, params double[] weights) =>
        new(name, Options: weights.Select((w, i) => new MultivariateOptionInput(null, FlagValue.FromString($"variant-{i}"), w)).ToList());
}
