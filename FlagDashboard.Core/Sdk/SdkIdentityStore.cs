using FlagDashboard.Core.Data;
using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Sdk;

/// <summary>A trait as an SDK sends it: <see cref="FlagValue.None"/> deletes it; a transient one is used once and not stored.</summary>
public sealed record TraitInput(string Key, FlagValue Value, bool Transient = false);

public sealed record SdkTrait(string Key, FlagValue Value, bool Transient = false);

/// <summary>What an identity evaluation needs: its traits (stored and transient) and its overrides.</summary>
public sealed record SdkIdentity(int? IdentityId, string Identifier, IReadOnlyList<SdkTrait> Traits, IReadOnlyList<FeatureContext> Overrides)
{
    /// <summary>
    /// The identity as the engine evaluates it. Its key is left to the engine, which makes it from the
    /// environment's key (the client key) as <c>{key}_{identifier}</c> without building the string.
    /// </summary>
    public IdentityContext ToContext() => new(Identifier) { Traits = new SdkTraitView(Traits) };
}

/// <summary>Reads and writes one identity for an SDK request, and nothing else.</summary>
public sealed class SdkIdentityStore(IDbContextFactory<FlagDashboardDbContext> dbFactory, SdkIdentityWriter writer, SdkIdentityCache cache, TimeProvider clock)
{
    // Compiled once: every SDK identity call runs it, and translating it each time (cache lookup, parameter
    // extraction from the expression tree) cost more than the query on SQLite.
    private static readonly Func<FlagDashboardDbContext, int, string, CancellationToken, Task<StoredIdentity?>> FindIdentity =
        EF.CompileAsyncQuery((FlagDashboardDbContext db, int environmentId, string identifier, CancellationToken cancellationToken) =>
            db.Identities.AsNoTracking()
                .Where(i => i.EnvironmentId == environmentId && i.Identifier == identifier)
                .Select(i => new StoredIdentity(
                    i.Id,
                    i.Traits.OrderBy(t => t.Id).Select(t => new SdkTrait(t.Key, t.Value, false)).ToList(),
                    db.FeatureStates.Where(s => s.IdentityId == i.Id).Select(s => new StoredOverride(s, s.Feature!.Name)).ToList()))
                .SingleOrDefault());

    private sealed record StoredIdentity(int Id, List<SdkTrait> Traits, List<StoredOverride> Overrides);

    private sealed record StoredOverride(FeatureState State, string FeatureName);

    /// <summary>
    /// Applies an SDK's traits to an identity and returns what to evaluate it with. Unless
    /// <paramref name="transient"/>, a missing identity is created and non-transient traits are stored;
    /// a transient identity stores nothing and uses its stored traits, if any, overlaid by the request's.
    /// </summary>
    public async Task<SdkIdentity> IdentifyAsync(int environmentId, string identifier, IReadOnlyList<TraitInput> traits, bool transient, CancellationToken cancellationToken)
    {
        var batched = true;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (await IdentifyOnceAsync(environmentId, identifier, traits, transient, batched, cancellationToken) is { } identity)
                {
                    return identity;
                }

                // The batch writer handed a new identity back (it exists by now): store it here, once more.
                batched = false;
            }
            catch (DbUpdateException) when (attempt < 3)
            {
                // Another request created the same identity or trait at the same moment: read it again.
            }
        }
    }

    /// <summary>Stores traits of identities (created when missing), as <c>POST traits/</c> and <c>PUT traits/bulk/</c> do.</summary>
    public async Task<IReadOnlyList<SdkTrait>> SetTraitsAsync(int environmentId, IReadOnlyList<(string Identifier, TraitInput Trait)> traits, CancellationToken cancellationToken)
    {
        foreach (var group in traits.GroupBy(t => t.Identifier, StringComparer.Ordinal))
        {
            await IdentifyAsync(environmentId, group.Key, group.Select(t => t.Trait with { Transient = false }).ToList(), transient: false, cancellationToken);
        }

        // In the order they were sent, whichever identity each belongs to.
        return traits.Select(t => new SdkTrait(t.Trait.Key, t.Trait.Value)).ToList();
    }

    /// <summary>Null when <paramref name="batched"/> and the batch writer handed the new identity back.</summary>
    private async Task<SdkIdentity?> IdentifyOnceAsync(int environmentId, string identifier, IReadOnlyList<TraitInput> traits, bool transient, bool batched, CancellationToken cancellationToken)
    {
        // Most SDK calls find the identity as it was and write nothing: from the cache, they read nothing either.
        var stored = await FindAsync(environmentId, identifier, cancellationToken);
        if (stored is null && !transient && batched)
        {
            // A new identity has no overrides and no stored traits: its answer needs only the request's traits
            // and the id its batch's commit gives it.
            return await writer.CreateAsync(environmentId, identifier, traits, cancellationToken) is { } created
                ? new SdkIdentity(created.Id, identifier, Overlay(created.Traits, traits, transient: false), [])
                : null;
        }

        var storedTraits = stored?.Traits ?? [];
        var identityId = stored?.Id;
        if (!transient && (stored is null || Differs(storedTraits, traits)))
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            (identityId, storedTraits) = await StoreAsync(db, environmentId, identifier, stored?.Id, traits, cancellationToken);
        }

        return new SdkIdentity(identityId, identifier, Overlay(storedTraits, traits, transient), stored?.Overrides ?? []);
    }

    /// <summary>The stored identity, from the cache or (untracked, straight into the answer's traits) from the database.</summary>
    private async Task<CachedIdentity?> FindAsync(int environmentId, string identifier, CancellationToken cancellationToken)
    {
        if (cache.TryGet(environmentId, identifier, out var cached))
        {
            return cached;
        }

        var generation = cache.Generation;
        StoredIdentity? stored;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            stored = await FindIdentity(db, environmentId, identifier, cancellationToken);
        }

        if (stored is null)
        {
            return null;
        }

        IReadOnlyList<FeatureContext> overrides = stored.Overrides is { Count: > 0 } found
            ? [.. found.Select(o => EnvironmentContextMapper.IdentityOverride(o.State, o.FeatureName))]
            : [];
        var identity = new CachedIdentity(stored.Id, stored.Traits, overrides);
        cache.Add(environmentId, identifier, identity, generation);
        return identity;
    }

    /// <summary>
    /// The stored traits, then the request's transient ones (every one of a transient identity) in place of any
    /// of the same key. Without any such trait, the stored list itself.
    /// </summary>
    internal static List<SdkTrait> Overlay(List<SdkTrait> stored, IReadOnlyList<TraitInput> requested, bool transient)
    {
        if (!transient && !AnyTransient(requested))
        {
            return stored;
        }

        var result = new List<SdkTrait>(stored.Count + requested.Count);
        result.AddRange(stored);
        foreach (var trait in requested)
        {
            if (!transient && !trait.Transient)
            {
                continue;
            }

            result.RemoveAll(t => t.Key == trait.Key);
            if (!trait.Value.IsNone)
            {
                result.Add(new SdkTrait(trait.Key, trait.Value, trait.Transient));
            }
        }

        return result;
    }

    private static bool AnyTransient(IReadOnlyList<TraitInput> traits)
    {
        for (var i = 0; i < traits.Count; i++)
        {
            if (traits[i].Transient)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Creates the identity when missing and applies the request's stored (non-transient) traits that differ;
    /// returns its traits afterwards.
    /// </summary>
    private async Task<(int IdentityId, List<SdkTrait> Traits)> StoreAsync(
        FlagDashboardDbContext db, int environmentId, string identifier, int? identityId, IReadOnlyList<TraitInput> changes, CancellationToken cancellationToken)
    {
        Identity? created = null;
        List<Trait> traits;
        if (identityId is null)
        {
            created = new Identity { EnvironmentId = environmentId, Identifier = identifier, CreatedAt = clock.GetUtcNow() };
            db.Identities.Add(created);
            traits = [];
        }
        else
        {
            // Tracked this time: some of them change.
            traits = await db.Traits.Where(t => t.IdentityId == identityId).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        }

        foreach (var change in changes)
        {
            if (change.Transient)
            {
                continue;
            }

            var index = traits.FindIndex(t => t.Key == change.Key);
            var existing = index >= 0 ? traits[index] : null;
            if (change.Value.IsNone)
            {
                if (existing is not null)
                {
                    db.Traits.Remove(existing);
                    traits.RemoveAt(index);
                }
            }
            else if (existing is null)
            {
                var trait = new Trait { Key = change.Key, Value = change.Value, IdentityId = identityId ?? 0, Identity = created };
                db.Traits.Add(trait);
                traits.Add(trait);
            }
            else if (existing.Value != change.Value)
            {
                existing.Value = change.Value;
            }
        }

        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        var result = new List<SdkTrait>(traits.Count);
        foreach (var trait in traits)
        {
            result.Add(new SdkTrait(trait.Key, trait.Value));
        }

        return (created?.Id ?? identityId!.Value, result);
    }

    /// <summary>True when applying <paramref name="changes"/> in order would change <paramref name="current"/>.</summary>
    private static bool Differs(List<SdkTrait> current, IReadOnlyList<TraitInput> changes)
    {
        foreach (var change in changes)
        {
            if (change.Transient)
            {
                continue;
            }

            var existing = current.Find(t => t.Key == change.Key);
            if (change.Value.IsNone ? existing is not null : existing is null || existing.Value != change.Value)
            {
                return true;
            }
        }

        return false;
    }
}
