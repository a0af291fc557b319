using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Flags;

/// <summary>The reads behind the feature page: every environment's state, and the identities that override the feature.</summary>
public sealed class FeatureOverviewTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListEnvironmentStatesGivesTheDefaultStateOfEveryEnvironmentWithItsName()
    {
        await using var core = await CoreServices.CreateAsync();
        var project = await core.SeedProjectAsync("Development", "Staging", "Production");
        var feature = await core.Features.CreateAsync(project.ProjectId, new FeatureInput("banner", InitialValue: FlagValue.FromString("hi")), Token);
        var staging = await core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1]);
        await core.Features.UpdateStateAsync(staging.Id, true, FlagValue.FromInteger(3), staging.Version, Token);
        var identity = await core.Identities.CreateAsync(project.EnvironmentIds[1], "someone", Token);
        await core.Identities.SetOverrideAsync(identity.Id, feature.Id, false, FlagValue.FromString("theirs"), Token);

        var states = await core.Features.ListEnvironmentStatesAsync(feature.Id, Token);

        Assert.Equal(["Development", "Staging", "Production"], states.Select(s => s.EnvironmentName));
        Assert.Equal([false, true, false], states.Select(s => s.State.Enabled));
        Assert.Equal(FlagValue.FromInteger(3), states[1].State.Value);
        Assert.All(states, s => Assert.Equal("banner", s.State.Feature.Name));
    }

    [Fact]
    public async Task ListIdentityOverridesGivesEachOverridingIdentityByEnvironmentAndIdentifier()
    {
        await using var core = await CoreServices.CreateAsync();
        var project = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(project.ProjectId, new FeatureInput("banner"), Token);
        var other = await core.Features.CreateAsync(project.ProjectId, new FeatureInput("other"), Token);
        foreach (var (environment, identifier) in new[] { (1, "zoe"), (0, "bob"), (0, "alice") })
        {
            var identity = await core.Identities.CreateAsync(project.EnvironmentIds[environment], identifier, Token);
            await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.FromString(identifier), Token);
            await core.Identities.SetOverrideAsync(identity.Id, other.Id, true, FlagValue.None, Token);
        }

        var overrides = await core.Features.ListIdentityOverridesAsync(feature.Id, cancellationToken: Token);

        Assert.Equal(["alice", "bob", "zoe"], overrides.Select(o => o.Identifier));
        Assert.Equal([project.EnvironmentIds[0], project.EnvironmentIds[0], project.EnvironmentIds[1]], overrides.Select(o => o.EnvironmentId));
        Assert.Equal(FlagValue.FromString("bob"), overrides[1].Value);
        Assert.Equal(2, (await core.Features.ListIdentityOverridesAsync(feature.Id, take: 2, Token)).Count);
    }

    [Fact]
    public async Task AnUnknownFeatureIsNotFound()
    {
        await using var core = await CoreServices.CreateAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => core.Features.ListEnvironmentStatesAsync(404, Token));
    }
}
