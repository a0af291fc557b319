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
    public IdentityContext ToContext(string environmentKey)
    {
        var traits = new Dictionary<string, EngineValue>(Traits.Count, StringComparer.Ordinal);
        foreach (var trait in Traits)
        {
            traits[trait.Key] = trait.Value.ToEngineValue();
        }

        return new IdentityContext(Identifier) { Key = $"{environmentKey}_{Identifier}", Traits = traits };
    }
}

/// <summary>Reads and writes one identity for an SDK request, and nothing else.</summary>
public sealed class SdkIdentityStore(IDbContextFactory<FlagDashboardDbContext> dbFactory, TimeProvider clock)
{
    /// <summary>
    /// Applies an SDK's traits to an identity and returns what to evaluate it with. Unless
    /// <paramref name="transient"/>, a missing identity is created and non-transient traits are stored;
    /// a transient identity stores nothing and uses its stored traits, if any, overlaid by the request's.
    /// </summary>
    public async Task<SdkIdentity> IdentifyAsync(int environmentId, string identifier, IReadOnlyList<TraitInput> traits, bool transient, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await IdentifyOnceAsync(environmentId, identifier, traits, transient, cancellationToken);
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

    private async Task<SdkIdentity> IdentifyOnceAsync(int environmentId, string identifier, IReadOnlyList<TraitInput> traits, bool transient, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // One read, untracked: most SDK calls find the identity as it was and write nothing.
        var stored = await db.Identities.AsNoTracking()
            .Where(i => i.EnvironmentId == environmentId && i.Identifier == identifier)
            .Select(i => new
            {
                i.Id,
                Traits = i.Traits.OrderBy(t => t.Id).ToList(),
                Overrides = db.FeatureStates.Where(s => s.IdentityId == i.Id).Select(s => new { State = s, FeatureName = s.Feature!.Name }).ToList(),
            })
            .SingleOrDefaultAsync(cancellationToken);

        var storedTraits = stored?.Traits ?? [];
        var identityId = stored?.Id;
        if (!transient)
        {
            (identityId, storedTraits) = await StoreAsync(db, environmentId, identifier, stored?.Id, storedTraits, traits.Where(t => !t.Transient).ToList(), cancellationToken);
        }

        var result = storedTraits.Select(t => new SdkTrait(t.Key, t.Value)).ToList();
        foreach (var trait in transient ? traits : traits.Where(t => t.Transient))
        {
            result.RemoveAll(t => t.Key == trait.Key);
            if (!trait.Value.IsNone)
            {
                result.Add(new SdkTrait(trait.Key, trait.Value, trait.Transient));
            }
        }

        return new SdkIdentity(
            identityId,
            identifier,
            result,
            (stored?.Overrides ?? []).Select(o => EnvironmentContextMapper.IdentityOverride(o.State, o.FeatureName)).ToList());
    }

    /// <summary>Creates the identity when missing and applies the traits that differ; returns its traits afterwards.</summary>
    private async Task<(int IdentityId, List<Trait> Traits)> StoreAsync(
        FlagDashboardDbContext db, int environmentId, string identifier, int? identityId, List<Trait> current, IReadOnlyList<TraitInput> changes, CancellationToken cancellationToken)
    {
        var traits = current.ToList();
        Identity? created = null;
        if (identityId is null)
        {
            created = new Identity { EnvironmentId = environmentId, Identifier = identifier, CreatedAt = clock.GetUtcNow() };
            db.Identities.Add(created);
        }

        foreach (var change in changes)
        {
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
                db.Traits.Update(existing);
            }
        }

        if (db.ChangeTracker.HasChanges())
        {
            await db.SaveChangesAsync(cancellationToken);
        }

        return (created?.Id ?? identityId!.Value, traits);
    }
}
