using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Sdk;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Identities;

/// <summary>
/// New identities from SDK calls are written in batches, and an answered request is stored: a second request (on
/// this instance or another over the same database) sees the first's traits, stopping writes what is queued, and
/// two instances creating the same identity at once store it once with every trait. Runs on either provider.
/// </summary>
public sealed class SdkIdentityWriterTests
{
    private static TraitInput Trait(string key, FlagValue value, bool transient = false) => new(key, value, transient);

    /// <summary>One app instance's identity path: its own writer over the shared database.</summary>
    private static (SdkIdentityStore Store, SdkIdentityWriter Writer) Instance(TestDatabase database)
    {
        var writer = new SdkIdentityWriter(database, TimeProvider.System, NullLogger<SdkIdentityWriter>.Instance);
        var cache = new SdkIdentityCache(new SdkEnvironmentStore(database, new FlagDashboard.Core.Import.EnvironmentDocumentExporter(database), NullLogger<SdkEnvironmentStore>.Instance, NullLoggerFactory.Instance));
        return (new SdkIdentityStore(database, writer, cache, TimeProvider.System), writer);
    }

    [Fact]
    public async Task ASecondRequestOnEitherInstanceSeesTheTraitsOfTheFirst()
    {
        await using var core = await CoreServices.CreateAsync();
        var environmentId = (await core.SeedProjectAsync("Production")).EnvironmentIds[0];
        var (a, writerA) = Instance(core.Database);
        var (b, writerB) = Instance(core.Database);
        await using var _ = writerA;
        await using var __ = writerB;

        // Many at once, so that they share batches; each with its own traits, one transient and one deleted.
        var first = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => a.IdentifyAsync(environmentId, $"user-{i}",
            [Trait("plan", FlagValue.FromString("pro")), Trait("seats", FlagValue.FromInteger(i)), Trait("gone", FlagValue.FromBool(true)),
             Trait("gone", FlagValue.None), Trait("session", FlagValue.FromString("s"), transient: true)],
            transient: false, Token)));

        Assert.All(first, identity => Assert.NotNull(identity.IdentityId));
        Assert.Equal(200, first.Select(i => i.IdentityId).Distinct().Count());
        Assert.Equal(["plan", "seats", "session"], first[7].Traits.Select(t => t.Key));
        for (var i = 0; i < 200; i += 13)
        {
            foreach (var instance in new[] { a, b })
            {
                var again = await instance.IdentifyAsync(environmentId, $"user-{i}", [], transient: false, Token);
                Assert.Equal(first[i].IdentityId, again.IdentityId);
                Assert.Equal([("plan", FlagValue.FromString("pro")), ("seats", FlagValue.FromInteger(i))], again.Traits.Select(t => (t.Key, t.Value)));
            }
        }
    }

    [Fact]
    public async Task StoppingTheWriterStoresEveryIdentityAndTraitItWasGiven()
    {
        await using var core = await CoreServices.CreateAsync();
        var environmentId = (await core.SeedProjectAsync("Production")).EnvironmentIds[0];
        var (store, writer) = Instance(core.Database);

        // Stopped while requests are queued and others still arrive: those the writer no longer takes are stored by their caller.
        var requests = Enumerable.Range(0, 500).Select(i => Task.Run(() => store.IdentifyAsync(environmentId, $"user-{i}",
            [Trait("n", FlagValue.FromInteger(i)), Trait("plan", FlagValue.FromString("free"))], transient: false, Token))).ToList();
        await writer.DisposeAsync();
        await Task.WhenAll(requests);

        await using var db = core.Database.CreateDbContext();
        var stored = await db.Identities.AsNoTracking().Where(i => i.EnvironmentId == environmentId)
            .Select(i => new { i.Identifier, Traits = i.Traits.Select(t => new { t.Key, t.Value }).ToList() }).ToListAsync(Token);
        Assert.Equal(500, stored.Count);
        Assert.All(stored, identity =>
        {
            var n = long.Parse(identity.Identifier["user-".Length..], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal([("n", FlagValue.FromInteger(n)), ("plan", FlagValue.FromString("free"))], identity.Traits.Select(t => (t.Key, t.Value)).OrderBy(t => t.Key));
        });
    }

    [Fact]
    public async Task TwoInstancesCreatingTheSameIdentitiesAtOnceStoreEachOnceWithBothTraits()
    {
        await using var core = await CoreServices.CreateAsync();
        var environmentId = (await core.SeedProjectAsync("Production")).EnvironmentIds[0];
        var (a, writerA) = Instance(core.Database);
        var (b, writerB) = Instance(core.Database);
        await using var _ = writerA;
        await using var __ = writerB;

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).SelectMany(i => new[]
        {
            Task.Run(() => a.IdentifyAsync(environmentId, $"shared-{i}", [Trait("from_a", FlagValue.FromInteger(i))], transient: false, Token)),
            Task.Run(() => b.IdentifyAsync(environmentId, $"shared-{i}", [Trait("from_b", FlagValue.FromInteger(i))], transient: false, Token)),
        }));

        // Both requests for an identity got the same one; each trait sent was stored.
        Assert.All(answers.Chunk(2), pair => Assert.Equal(pair[0].IdentityId, pair[1].IdentityId));
        await using var db = core.Database.CreateDbContext();
        var stored = await db.Identities.AsNoTracking().Where(i => i.EnvironmentId == environmentId)
            .Select(i => new { i.Identifier, Keys = i.Traits.OrderBy(t => t.Key).Select(t => t.Key).ToList() }).ToListAsync(Token);
        Assert.Equal(100, stored.Count);
        Assert.All(stored, identity => Assert.Equal(["from_a", "from_b"], identity.Keys));
    }
}
