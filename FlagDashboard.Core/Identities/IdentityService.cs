using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Identities;

public sealed record IdentitySummary(int Id, string Identifier, DateTimeOffset CreatedAt, int TraitCount, int OverrideCount);

public sealed record IdentityPage(IReadOnlyList<IdentitySummary> Items, int TotalCount);

public sealed record IdentityOverrideView(int StateId, int FeatureId, string FeatureName, bool Enabled, FlagValue Value, int Version);

public sealed record IdentityDetails(int Id, int EnvironmentId, string Identifier, DateTimeOffset CreatedAt, IReadOnlyList<Trait> Traits, IReadOnlyList<IdentityOverrideView> Overrides);

public sealed class IdentityService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Identity";
    private const string OverrideEntity = "IdentityOverride";

    /// <summary>Identities whose identifier starts with <paramref name="prefix"/>, in identifier order; served by the unique index.</summary>
    public async Task<IdentityPage> SearchAsync(int environmentId, string? prefix, int skip, int take, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        take = Math.Clamp(take, 1, 500);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Identities.AsNoTracking().Where(i => i.EnvironmentId == environmentId);
        if (!string.IsNullOrEmpty(prefix))
        {
            // A range on the index rather than LIKE, which would need escaping and skips the index on SQLite.
            query = query.Where(i => i.Identifier.CompareTo(prefix) >= 0);
            if (UpperBound(prefix) is { } upper)
            {
                query = query.Where(i => i.Identifier.CompareTo(upper) < 0);
            }
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(i => i.Identifier).Skip(Math.Max(0, skip)).Take(take)
            .Select(i => new IdentitySummary(i.Id, i.Identifier, i.CreatedAt, i.Traits.Count, db.FeatureStates.Count(s => s.IdentityId == i.Id)))
            .ToListAsync(cancellationToken);
        return new IdentityPage(items, total);
    }

    public async Task<IdentityDetails> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Identity, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var identity = await db.Identities.AsNoTracking().Include(i => i.Traits.OrderBy(t => t.Key))
            .SingleOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        var overrides = await db.FeatureStates.AsNoTracking().Where(s => s.IdentityId == id).OrderBy(s => s.Feature!.Name)
            .Select(s => new IdentityOverrideView(s.Id, s.FeatureId, s.Feature!.Name, s.Enabled, s.Value, s.Version))
            .ToListAsync(cancellationToken);
        return new IdentityDetails(identity.Id, identity.EnvironmentId, identity.Identifier, identity.CreatedAt, identity.Traits, overrides);
    }

    public async Task<Identity> CreateAsync(int environmentId, string identifier, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Environment, environmentId, cancellationToken);
        ValidateIdentifier(identifier);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await db.Environments.Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken) ?? throw new NotFoundException("Environment", environmentId);
        if (await db.Identities.AnyAsync(i => i.EnvironmentId == environmentId && i.Identifier == identifier, cancellationToken))
        {
            throw new ValidationException("identifier", $"An identity '{identifier}' already exists in this environment.");
        }

        var identity = new Identity { EnvironmentId = environmentId, Identifier = identifier, CreatedAt = clock.GetUtcNow() };
        db.Identities.Add(identity);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveOrConflictAsync(Entity, identifier, cancellationToken, uniqueField: "identifier");
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, identity.Id, identifier, new AuditScope(environment.Project!.OrganisationId, environment.ProjectId, environmentId))
        {
            After = new { identity.Identifier },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return identity;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Identity, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var identity = await LoadAsync(db, id, cancellationToken);
        db.Identities.Remove(identity);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, Entity, id, identity.Identifier, Scope(identity))
        {
            Before = new { identity.Identifier },
        });
        // Its identity overrides go with it, and they are part of the environment's SDK document.
        await db.SaveAndTouchAsync(Entity, id, e => e.Id == identity.EnvironmentId, clock, cancellationToken);
    }

    /// <summary>Sets a trait, keeping its type; <see cref="FlagValue.None"/> deletes it, as an SDK's null does.</summary>
    public async Task SetTraitAsync(int identityId, string key, FlagValue value, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Identity, identityId, cancellationToken);
        new Validation()
            .Check(!string.IsNullOrWhiteSpace(key), "key", "A trait needs a key.")
            .MaxLength("key", key, FieldLimits.TraitKey)
            .Value("value", value)
            .ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var identity = await LoadAsync(db, identityId, cancellationToken);
        var trait = identity.Traits.FirstOrDefault(t => t.Key == key);
        var before = trait is null ? null : new { trait.Key, Value = trait.Value.ToJson() };
        if (value.IsNone)
        {
            if (trait is null)
            {
                return;
            }

            identity.Traits.Remove(trait);
        }
        else if (trait is null)
        {
            identity.Traits.Add(new Trait { Key = key, Value = value });
        }
        else
        {
            trait.Value = value;
        }

        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(value.IsNone ? AuditAction.Deleted : before is null ? AuditAction.Created : AuditAction.Updated, "Trait", $"{identityId}/{key}", $"{key} of {identity.Identifier}", Scope(identity))
        {
            Before = before,
            After = value.IsNone ? null : new { Key = key, Value = value.ToJson() },
        });
        await db.SaveOrConflictAsync("Trait", key, cancellationToken, uniqueField: "key");
    }

    /// <summary>Overrides a feature for one identity: above every segment, by exact identifier.</summary>
    public async Task<FeatureState> SetOverrideAsync(int identityId, int featureId, bool enabled, FlagValue value, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Identity, identityId, cancellationToken);
        new Validation().Value("value", value).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var identity = await LoadAsync(db, identityId, cancellationToken);
        var feature = await db.Features.SingleOrDefaultAsync(f => f.Id == featureId && f.ProjectId == identity.Environment!.ProjectId, cancellationToken)
            ?? throw new ValidationException("featureId", $"Feature {featureId} is not in this identity's project.");
        var state = await db.FeatureStates.Include(s => s.Weights).SingleOrDefaultAsync(s => s.IdentityId == identityId && s.FeatureId == featureId, cancellationToken);
        var before = state is null ? null : FeatureService.StateSnapshot(state);
        var now = clock.GetUtcNow();
        if (state is null)
        {
            state = new FeatureState
            {
                FeatureId = featureId,
                EnvironmentId = identity.EnvironmentId,
                IdentityId = identityId,
                HashKey = FeatureStateFactory.NewHashKey(out var uuid),
                Uuid = uuid,
            };
            db.FeatureStates.Add(state);
        }

        state.Enabled = enabled;
        state.Value = value;
        state.UpdatedAt = now;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(before is null ? AuditAction.Created : AuditAction.Updated, OverrideEntity, $"{identityId}/{featureId}", $"{feature.Name} for {identity.Identifier}", Scope(identity))
        {
            Before = before,
            After = FeatureService.StateSnapshot(state),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(OverrideEntity, $"{identityId}/{featureId}", e => e.Id == identity.EnvironmentId, clock, cancellationToken, uniqueField: "featureId");
        return state;
    }

    public async Task RemoveOverrideAsync(int identityId, int featureId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Identity, identityId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var identity = await LoadAsync(db, identityId, cancellationToken);
        var state = await db.FeatureStates.Include(s => s.Feature).Include(s => s.Weights)
            .SingleOrDefaultAsync(s => s.IdentityId == identityId && s.FeatureId == featureId, cancellationToken)
            ?? throw new NotFoundException(OverrideEntity, $"{identityId}/{featureId}");
        db.FeatureStates.Remove(state);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, OverrideEntity, $"{identityId}/{featureId}", $"{state.Feature!.Name} for {identity.Identifier}", Scope(identity))
        {
            Before = FeatureService.StateSnapshot(state),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(OverrideEntity, $"{identityId}/{featureId}", e => e.Id == identity.EnvironmentId, clock, cancellationToken);
    }

    internal static void ValidateIdentifier(string? identifier) =>
        new Validation()
            .Check(!string.IsNullOrEmpty(identifier), "identifier", "An identifier is required.")
            .MaxLength("identifier", identifier, FieldLimits.Identifier)
            .Check(identifier is null || !identifier.Any(char.IsControl), "identifier", "An identifier may not contain control characters.")
            .ThrowIfInvalid();

    /// <summary>
    /// The least string above every string that starts with <paramref name="prefix"/>: the prefix with its
    /// last code point raised by one. SQLite compares UTF-8 bytes, which order as code points do, so
    /// appending <see cref="char.MaxValue"/> would leave out identifiers that go on past U+FFFF (emoji).
    /// </summary>
    private static string? UpperBound(string prefix)
    {
        var runes = prefix.EnumerateRunes().ToList();
        while (runes.Count > 0)
        {
            var last = runes[^1].Value;
            runes.RemoveAt(runes.Count - 1);
            if (last < 0x10FFFF)
            {
                return string.Concat(runes) + new System.Text.Rune(last == 0xD7FF ? 0xE000 : last + 1);
            }
        }

        return null;
    }

    private static async Task<Identity> LoadAsync(FlagDashboardDbContext db, int id, CancellationToken cancellationToken) =>
        await db.Identities.Include(i => i.Traits).Include(i => i.Environment).ThenInclude(e => e!.Project)
            .SingleOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);

    private static AuditScope Scope(Identity identity) => new(identity.Environment!.Project!.OrganisationId, identity.Environment.ProjectId, identity.EnvironmentId);
}
