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
        var stored = new List<SdkTrait>(traits.Count);
        foreach (var group in traits.GroupBy(t => t.Identifier, StringComparer.Ordinal))
        {
            await IdentifyAsync(environmentId, group.Key, group.Select(t => t.Trait with { Transient = false }).ToList(), transient: false, cancellationToken);
            stored.AddRange(group.Select(t => new SdkTrait(t.Trait.Key, t.Trait.Value)));
        }

        return stored;
    }

    private async Task<SdkIdentity> IdentifyOnceAsync(int environmentId, string identifier, IReadOnlyList<TraitInput> traits, bool transient, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var identity = await db.Identities.Include(i => i.Traits)
            .SingleOrDefaultAsync(i => i.EnvironmentId == environmentId && i.Identifier == identifier, cancellationToken);
        var overrides = identity is null
            ? []
            : await db.FeatureStates.AsNoTracking().Where(s => s.IdentityId == identity.Id)
                .Select(s => new { State = s, FeatureName = s.Feature!.Name }).ToListAsync(cancellationToken);

        var result = new List<SdkTrait>();
        if (transient)
        {
            result.AddRange((identity?.Traits ?? []).OrderBy(t => t.Id).Select(t => new SdkTrait(t.Key, t.Value)));
            foreach (var trait in traits)
            {
                result.RemoveAll(t => t.Key == trait.Key);
                if (!trait.Value.IsNone)
                {
                    result.Add(new SdkTrait(trait.Key, trait.Value, trait.Transient));
                }
            }
        }
        else
        {
            if (identity is null)
            {
                identity = new Identity { EnvironmentId = environmentId, Identifier = identifier, CreatedAt = clock.GetUtcNow() };
                db.Identities.Add(identity);
            }

            foreach (var trait in traits.Where(t => !t.Transient))
            {
                var existing = identity.Traits.FirstOrDefault(t => t.Key == trait.Key);
                if (trait.Value.IsNone)
                {
                    if (existing is not null)
                    {
                        identity.Traits.Remove(existing);
                    }
                }
                else if (existing is null)
                {
                    identity.Traits.Add(new Trait { Key = trait.Key, Value = trait.Value });
                }
                else if (existing.Value != trait.Value)
                {
                    existing.Value = trait.Value;
                }
            }

            if (db.ChangeTracker.HasChanges())
            {
                await db.SaveChangesAsync(cancellationToken);
            }

            result.AddRange(identity.Traits.OrderBy(t => t.Id).Select(t => new SdkTrait(t.Key, t.Value)));
            foreach (var trait in traits.Where(t => t.Transient))
            {
                result.RemoveAll(t => t.Key == trait.Key);
                if (!trait.Value.IsNone)
                {
                    result.Add(new SdkTrait(trait.Key, trait.Value, Transient: true));
                }
            }
        }

        return new SdkIdentity(
            identity?.Id == 0 ? null : identity?.Id,
            identifier,
            result,
            overrides.Select(o => EnvironmentContextMapper.IdentityOverride(o.State, o.FeatureName)).ToList());
    }
}
