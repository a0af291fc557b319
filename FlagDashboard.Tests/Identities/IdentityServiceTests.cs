using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Identities;

public sealed class IdentityServiceTests
{
    [Fact]
    public async Task SearchFindsIdentifiersByPrefixInOrderWithPagesAndATotal()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var environmentId = seeded.EnvironmentIds[0];
        foreach (var identifier in new[] { "user-3", "admin", "user-1", "User-9", "user-2", "user", "users-4", "zed" })
        {
            await core.Identities.CreateAsync(environmentId, identifier, Token);
        }

        await core.Identities.CreateAsync(seeded.EnvironmentIds[1], "user-elsewhere", Token);

        var first = await core.Identities.SearchAsync(environmentId, "user", 0, 3, Token);
        var second = await core.Identities.SearchAsync(environmentId, "user", 3, 3, Token);

        Assert.Equal(5, first.TotalCount);
        Assert.Equal(["user", "user-1", "user-2"], first.Items.Select(i => i.Identifier));
        Assert.Equal(5, second.TotalCount);
        Assert.Equal(["user-3", "users-4"], second.Items.Select(i => i.Identifier));
        Assert.Equal(8, (await core.Identities.SearchAsync(environmentId, null, 0, 100, Token)).TotalCount);
    }

    [Theory]
    [InlineData("50%", new[] { "50%", "50%off" })]
    [InlineData("a_", new[] { "a_b" })]
    [InlineData("%", new[] { "%" })]
    public async Task APrefixIsTakenLiterallyNotAsALikePattern(string prefix, string[] expected)
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        foreach (var identifier in new[] { "50%", "50%off", "500", "50x", "a_b", "ab", "axb", "%" })
        {
            await core.Identities.CreateAsync(seeded.EnvironmentIds[0], identifier, Token);
        }

        var page = await core.Identities.SearchAsync(seeded.EnvironmentIds[0], prefix, 0, 100, Token);

        Assert.Equal(expected, page.Items.Select(i => i.Identifier));
        Assert.Equal(expected.Length, page.TotalCount);
    }

    [Fact]
    public async Task APrefixFindsIdentifiersThatContinueWithAnyCharacter()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        string[] identifiers = ["anna", "ann\u00e9", "ann\u4e2d", "ann\uffff", "ann\U0001F600", "ann\U0001F600z", "anm", "ano"];
        foreach (var identifier in identifiers)
        {
            await core.Identities.CreateAsync(seeded.EnvironmentIds[0], identifier, Token);
        }

        var page = await core.Identities.SearchAsync(seeded.EnvironmentIds[0], "ann", 0, 100, Token);

        Assert.Equal(identifiers[..6].Order(StringComparer.Ordinal), page.Items.Select(i => i.Identifier).Order(StringComparer.Ordinal));
        Assert.Equal(6, page.TotalCount);
        Assert.Equal(["ann\U0001F600", "ann\U0001F600z"], (await core.Identities.SearchAsync(seeded.EnvironmentIds[0], "ann\U0001F600", 0, 100, Token)).Items.Select(i => i.Identifier));
    }

    [Fact]
    public async Task TheSameIdentifierTwiceInOneEnvironmentIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token));

        Assert.Contains("identifier", error.Errors.Keys);
        await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "Alice", Token);
        await core.Identities.CreateAsync(seeded.EnvironmentIds[1], "alice", Token);
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice\n")]
    [InlineData("al\u0000ice")]
    [InlineData("\tbob")]
    [InlineData("bob\u007f")]
    public async Task AnEmptyIdentifierOrOneWithControlCharactersIsRejected(string identifier)
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Identities.CreateAsync(seeded.EnvironmentIds[0], identifier, Token));

        Assert.Contains("identifier", error.Errors.Keys);
        Assert.Equal(0, (await core.Identities.SearchAsync(seeded.EnvironmentIds[0], null, 0, 10, Token)).TotalCount);
    }

    public static TheoryData<string, FlagValue> TraitValues => new()
    {
        { "string", FlagValue.FromString("1") },
        { "integer", FlagValue.FromInteger(1) },
        { "double", FlagValue.FromDouble(1.0) },
        { "bool", FlagValue.FromBool(true) },
        { "large integer", FlagValue.FromInteger(long.MaxValue) },
    };

    [Theory]
    [MemberData(nameof(TraitValues))]
    public async Task TraitsKeepTheirType(string description, FlagValue value)
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);

        await core.Identities.SetTraitAsync(identity.Id, "trait", value, Token);

        var trait = Assert.Single((await core.Identities.GetAsync(identity.Id, Token)).Traits);
        Assert.Equal(value.Type, trait.Value.Type);
        Assert.True(value == trait.Value, $"The {description} trait came back as {trait.Value}.");
    }

    [Fact]
    public async Task SettingATraitAgainReplacesItsValueAndType()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetTraitAsync(identity.Id, "age", FlagValue.FromString("41"), Token);

        await core.Identities.SetTraitAsync(identity.Id, "age", FlagValue.FromInteger(42), Token);

        var trait = Assert.Single((await core.Identities.GetAsync(identity.Id, Token)).Traits);
        Assert.Equal(FlagValue.FromInteger(42), trait.Value);
        var entries = (await core.AuditEntriesAsync()).Where(a => a.EntityType == "Trait").ToList();
        Assert.Equal([AuditAction.Created, AuditAction.Updated], entries.Select(e => e.Action));
    }

    [Fact]
    public async Task SettingATraitToNoneDeletesIt()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetTraitAsync(identity.Id, "plan", FlagValue.FromString("gold"), Token);
        await core.Identities.SetTraitAsync(identity.Id, "age", FlagValue.FromInteger(42), Token);

        await core.Identities.SetTraitAsync(identity.Id, "plan", FlagValue.None, Token);

        Assert.Equal(["age"], (await core.Identities.GetAsync(identity.Id, Token)).Traits.Select(t => t.Key));
        await using var db = core.NewContext();
        Assert.Single(db.Traits);
        Assert.Equal(AuditAction.Deleted, (await core.AuditEntriesAsync()).Last().Action);
    }

    [Fact]
    public async Task AnIdentityOverrideIsCreatedUpdatedAndRemoved()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);

        var created = await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.FromString("on for alice"), Token);
        var afterCreate = Assert.Single((await core.Identities.GetAsync(identity.Id, Token)).Overrides);
        core.Clock.Advance(TimeSpan.FromSeconds(1));
        var updated = await core.Identities.SetOverrideAsync(identity.Id, feature.Id, false, FlagValue.FromInteger(3), Token);
        var afterUpdate = Assert.Single((await core.Identities.GetAsync(identity.Id, Token)).Overrides);
        await core.Identities.RemoveOverrideAsync(identity.Id, feature.Id, Token);

        Assert.Equal(created.Id, updated.Id);
        Assert.Equal((feature.Id, "checkout", true, FlagValue.FromString("on for alice")), (afterCreate.FeatureId, afterCreate.FeatureName, afterCreate.Enabled, afterCreate.Value));
        Assert.Equal((false, FlagValue.FromInteger(3)), (afterUpdate.Enabled, afterUpdate.Value));
        Assert.Empty((await core.Identities.GetAsync(identity.Id, Token)).Overrides);
        Assert.Equal(2, (await core.StatesOfAsync(feature.Id)).Count);
        Assert.Equal(
            [AuditAction.Created, AuditAction.Updated, AuditAction.Deleted],
            (await core.AuditEntriesAsync()).Where(a => a.EntityType == "IdentityOverride").Select(a => a.Action));
    }

    [Fact]
    public async Task IdentityOverridesTouchOnlyTheIdentitysEnvironment()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        var start = core.Clock.Now;

        var set = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.None, Token);
        Assert.Equal(set, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[0])).DocumentUpdatedAt);
        var removed = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Identities.RemoveOverrideAsync(identity.Id, feature.Id, Token);
        Assert.Equal(removed, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[0])).DocumentUpdatedAt);

        Assert.Equal(start, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[1])).DocumentUpdatedAt);
    }

    [Fact]
    public async Task DeletingAnIdentityWithOverridesTouchesItsEnvironment()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.None, Token);
        var start = core.Clock.Now;

        var deleted = core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Identities.DeleteAsync(identity.Id, Token);

        Assert.Equal(deleted, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[0])).DocumentUpdatedAt);
        Assert.Equal(start, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[1])).DocumentUpdatedAt);
    }

    [Fact]
    public async Task AnOverrideValueLongerThanTheLimitIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.FromString(new string('x', Core.FieldLimits.Value + 1)), Token));

        Assert.Contains("value", error.Errors.Keys);
        Assert.Empty((await core.Identities.GetAsync(identity.Id, Token)).Overrides);
    }

    [Fact]
    public async Task AnOverrideOfAFeatureFromAnotherProjectIsRejected()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var other = await core.SeedProjectAsync();
        var foreign = await core.Features.CreateAsync(other.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Identities.SetOverrideAsync(identity.Id, foreign.Id, true, FlagValue.None, Token));

        Assert.Contains("featureId", error.Errors.Keys);
    }

    [Fact]
    public async Task SearchCountsTraitsAndOverrides()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetTraitAsync(identity.Id, "plan", FlagValue.FromString("gold"), Token);
        await core.Identities.SetTraitAsync(identity.Id, "age", FlagValue.FromInteger(42), Token);
        await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.None, Token);

        var summary = Assert.Single((await core.Identities.SearchAsync(seeded.EnvironmentIds[0], "al", 0, 10, Token)).Items);

        Assert.Equal((2, 1), (summary.TraitCount, summary.OverrideCount));
    }

    [Fact]
    public async Task DeletingAnIdentityDeletesItsTraitsAndOverrides()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], "alice", Token);
        await core.Identities.SetTraitAsync(identity.Id, "plan", FlagValue.FromString("gold"), Token);
        await core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.None, Token);

        await core.Identities.DeleteAsync(identity.Id, Token);

        await using var db = core.NewContext();
        Assert.Empty(db.Identities);
        Assert.Empty(db.Traits);
        Assert.Equal(2, (await core.StatesOfAsync(feature.Id)).Count);
    }
}
