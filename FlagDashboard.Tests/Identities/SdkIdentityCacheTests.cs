using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Sdk;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Identities;

/// <summary>
/// The SDK's returning identities in memory follow every change on this instance: a trait set from the dashboard's
/// service, an override (through the environment's change), and the cache stays within its bound.
/// (Changes from another instance: ScaleOut.IdentityCacheOnTwoInstancesTests.)
/// </summary>
public sealed class SdkIdentityCacheTests
{
    [Fact]
    public async Task AReturningIdentityFollowsTraitsSetFromTheDashboardAndOverrides()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new("banner"), Token);
        var environments = new SdkEnvironmentStore(core.Database, new EnvironmentDocumentExporter(core.Database), NullLogger<SdkEnvironmentStore>.Instance, NullLoggerFactory.Instance);
        using var cache = new SdkIdentityCache(environments);
        await using var writer = new SdkIdentityWriter(core.Database, TimeProvider.System, NullLogger<SdkIdentityWriter>.Instance);
        var store = new SdkIdentityStore(core.Database, writer, cache, TimeProvider.System);
        Assert.NotNull(await environments.GetAsync(environmentId));

        var created = await store.IdentifyAsync(environmentId, "user-1", [new TraitInput("plan", FlagValue.FromString("free"))], transient: false, Token);
        await store.IdentifyAsync(environmentId, "user-1", [], transient: false, Token);
        Assert.Equal(1, cache.Count);

        await core.Identities.SetTraitAsync(created.IdentityId!.Value, "plan", FlagValue.FromString("pro"), Token);
        var afterTrait = await store.IdentifyAsync(environmentId, "user-1", [], transient: false, Token);
        Assert.Equal(FlagValue.FromString("pro"), Assert.Single(afterTrait.Traits).Value);

        // The override stamps the environment with the time: a later one than the environment in memory.
        core.Clock.Advance(TimeSpan.FromMinutes(1));
        await core.Identities.SetOverrideAsync(created.IdentityId.Value, feature.Id, true, FlagValue.FromString("mine"), Token);
        await environments.RefreshAsync(Token);
        var afterOverride = await store.IdentifyAsync(environmentId, "user-1", [], transient: false, Token);
        Assert.Equal("banner", Assert.Single(afterOverride.Overrides).Name);
    }

    [Fact]
    public void TheCacheStaysWithinItsBoundAndKeepsNoReadThatAnInvalidationOverlapped()
    {
        var environments = new SdkEnvironmentStore(null!, null!, NullLogger<SdkEnvironmentStore>.Instance, NullLoggerFactory.Instance);
        using var cache = new SdkIdentityCache(environments);
        for (var i = 0; i <= SdkIdentityCache.Capacity; i++)
        {
            cache.Add(1, $"user-{i}", new CachedIdentity(i + 1, [], []), cache.Generation);
        }

        Assert.InRange(cache.Count, 0, SdkIdentityCache.Capacity);

        var before = cache.Generation;
        cache.Drop([123456]);
        cache.Add(1, "read-before-the-change", new CachedIdentity(99_999, [], []), before);
        Assert.False(cache.TryGet(1, "read-before-the-change", out _));
    }
}
