using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Versions;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Environments;

public sealed record EnvironmentSummary(int Id, int ProjectId, string Name, string ClientKey, int Version, DateTimeOffset DocumentUpdatedAt);

/// <summary>A server-side key as shown again later: only its start, the whole key is shown once.</summary>
public sealed record ServerSideKeySummary(int Id, string Name, string Key, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

public sealed record ResolvedEnvironmentKey(int EnvironmentId, int ProjectId, int OrganisationId, bool IsServerSide);

public sealed class EnvironmentService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Environment";

    public async Task<IReadOnlyList<EnvironmentSummary>> ListAsync(int projectId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Environments.AsNoTracking().Where(e => e.ProjectId == projectId).OrderBy(e => e.Id)
            .Select(e => new EnvironmentSummary(e.Id, e.ProjectId, e.Name, e.ClientKey, e.Version, e.DocumentUpdatedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<ProjectEnvironment> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Environments.AsNoTracking().Include(e => e.Project).Include(e => e.ServerSideKeys)
            .SingleOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
    }

    /// <summary>Finds the environment an SDK key belongs to: a client key, or an active server-side key.</summary>
    public async Task<ResolvedEnvironmentKey?> ResolveKeyAsync(string key, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await EnvironmentKeyLookup.Matching(db, key).AsNoTracking()
            .Select(e => new ResolvedEnvironmentKey(e.Id, e.ProjectId, e.Project!.OrganisationId, EnvironmentKeyLookup.IsServerSide(key)))
            .SingleOrDefaultAsync(cancellationToken);
    }

    /// <summary>Creates an environment with a state for every feature of the project, from each feature's defaults.</summary>
    public async Task<ProjectEnvironment> CreateAsync(int projectId, string name, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Project, projectId, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException("Project", projectId);
        await EnsureNameFreeAsync(db, projectId, name, null, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var environment = NewEnvironment(projectId, name, now);
        db.Environments.Add(environment);
        await db.SaveOrConflictAsync(Entity, name, cancellationToken);

        var features = await db.Features.AsNoTracking().Include(f => f.Options).Where(f => f.ProjectId == projectId).ToListAsync(cancellationToken);
        var nextWeightId = await FeatureStateFactory.NextWeightExternalIdAsync(db, cancellationToken);
        foreach (var feature in features)
        {
            db.FeatureStates.Add(FeatureStateFactory.NewDefault(feature, environment.Id, now, ref nextWeightId));
        }

        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, environment.Id, name, new AuditScope(project.OrganisationId, projectId, environment.Id))
        {
            After = Snapshot(environment),
        });
        await db.SaveChangesAsync(cancellationToken);
        await FeatureVersions.RecordAsync(db, s => s.EnvironmentId == environment.Id, await actors.GetActorAsync(), "Environment created", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return environment;
    }

    /// <summary>Copies every feature state, weight and segment override of an environment into a new one; identities stay behind.</summary>
    public async Task<ProjectEnvironment> CloneAsync(int sourceId, string name, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, sourceId, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var source = await db.Environments.AsNoTracking().Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == sourceId, cancellationToken)
            ?? throw new NotFoundException(Entity, sourceId);
        await EnsureNameFreeAsync(db, source.ProjectId, name, null, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var clone = NewEnvironment(source.ProjectId, name, now);
        db.Environments.Add(clone);
        await db.SaveOrConflictAsync(Entity, name, cancellationToken);

        var states = await db.FeatureStates.AsNoTracking().Include(s => s.Weights)
            .Where(s => s.EnvironmentId == sourceId && s.IdentityId == null).ToListAsync(cancellationToken);
        foreach (var state in states)
        {
            db.FeatureStates.Add(new FeatureState
            {
                FeatureId = state.FeatureId,
                EnvironmentId = clone.Id,
                SegmentId = state.SegmentId,
                SegmentPriority = state.SegmentPriority,
                Enabled = state.Enabled,
                Value = state.Value,
                // Same hashing key: an identity gets the same variant in the clone as in the source.
                HashKey = state.HashKey,
                Uuid = Guid.NewGuid().ToString(),
                UpdatedAt = now,
                Weights = FeatureStateFactory.CopyWeights(state.Weights),
            });
        }

        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, clone.Id, name, new AuditScope(source.Project!.OrganisationId, source.ProjectId, clone.Id))
        {
            After = new { clone.Id, clone.Name, ClonedFrom = source.Name },
        });
        await db.SaveChangesAsync(cancellationToken);
        await FeatureVersions.RecordAsync(db, s => s.EnvironmentId == clone.Id, await actors.GetActorAsync(), $"Copied from {source.Name}", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return clone;
    }

    public async Task<ProjectEnvironment> RenameAsync(int id, string name, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, id, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await db.Environments.Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        await EnsureNameFreeAsync(db, environment.ProjectId, name, id, cancellationToken);
        var before = Snapshot(environment);
        db.ExpectVersion(environment, expectedVersion);
        environment.Name = name;
        environment.DocumentUpdatedAt = clock.GetUtcNow();
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, name, Scope(environment))
        {
            Before = before,
            After = Snapshot(environment),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
        return environment;
    }

    /// <summary>How many approvals a change of flag states here needs; 0 lets changes go live at once.</summary>
    public async Task<ProjectEnvironment> SetRequiredApprovalsAsync(int id, int requiredApprovals, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, id, cancellationToken);
        new Validation().Check(requiredApprovals is >= 0 and <= ChangeRequests.ChangeRequestService.MaxApprovals, "requiredApprovals",
            $"From 0 (changes go live at once) to {ChangeRequests.ChangeRequestService.MaxApprovals}.").ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await db.Environments.Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        var before = Snapshot(environment);
        db.ExpectVersion(environment, expectedVersion);
        environment.RequiredApprovals = requiredApprovals;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, environment.Name, Scope(environment))
        {
            Before = before,
            After = Snapshot(environment),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
        return environment;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await db.Environments.Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        db.Environments.Remove(environment);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, Entity, id, environment.Name, Scope(environment))
        {
            Before = Snapshot(environment),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
    }

    public async Task<IReadOnlyList<ServerSideKeySummary>> ListServerSideKeysAsync(int environmentId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServerSideKeys.AsNoTracking().Where(k => k.EnvironmentId == environmentId).OrderBy(k => k.Id)
            .Select(k => new ServerSideKeySummary(k.Id, k.Name, Mask(k.Key), k.CreatedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    public async Task<ServerSideKey> CreateServerSideKeyAsync(int environmentId, string name, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, environmentId, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await db.Environments.Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken)
            ?? throw new NotFoundException(Entity, environmentId);
        var key = new ServerSideKey { EnvironmentId = environmentId, Name = name, Key = KeyGenerator.NewServerSideKey(), CreatedAt = clock.GetUtcNow() };
        db.ServerSideKeys.Add(key);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Touched so that the SDK API reloads the environment's keys.
        await db.SaveAndTouchAsync("Server-side key", name, e => e.Id == environmentId, clock, cancellationToken);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, "ServerSideKey", key.Id, name, Scope(environment))
        {
            After = new { key.Name, Key = Mask(key.Key) },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return key;
    }

    public async Task RevokeServerSideKeyAsync(int keyId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.ServerSideKey, keyId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var key = await db.ServerSideKeys.Include(k => k.Environment).ThenInclude(e => e!.Project).SingleOrDefaultAsync(k => k.Id == keyId, cancellationToken)
            ?? throw new NotFoundException("Server-side key", keyId);
        if (key.RevokedAt is not null)
        {
            return;
        }

        key.RevokedAt = clock.GetUtcNow();
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, "ServerSideKey", keyId, key.Name, Scope(key.Environment!))
        {
            Before = new { key.Name, Key = Mask(key.Key), Revoked = false },
            After = new { key.Name, Key = Mask(key.Key), Revoked = true },
        });
        // Touched so that the SDK API forgets the key within a second.
        await db.SaveAndTouchAsync("Server-side key", keyId, e => e.Id == key.EnvironmentId, clock, cancellationToken);
    }

    /// <summary>Every server-side key of an environment in full, for a signed-in person to reveal and copy in the dashboard.</summary>
    public async Task<IReadOnlyList<ServerSideKeySummary>> ListServerSideKeysInFullAsync(int environmentId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ServerSideKeys.AsNoTracking().Where(k => k.EnvironmentId == environmentId).OrderBy(k => k.Id)
            .Select(k => new ServerSideKeySummary(k.Id, k.Name, k.Key, k.CreatedAt, k.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    internal static ProjectEnvironment NewEnvironment(int projectId, string name, DateTimeOffset now, string? clientKey = null) =>
        new()
        {
            ProjectId = projectId,
            Name = name,
            ClientKey = clientKey ?? KeyGenerator.NewClientKey(),
            CreatedAt = now,
            DocumentUpdatedAt = now,
            ServerSideKeys = [new ServerSideKey { Name = "Default", Key = KeyGenerator.NewServerSideKey(), CreatedAt = now }],
        };

    private static async Task EnsureNameFreeAsync(FlagDashboardDbContext db, int projectId, string name, int? exceptId, CancellationToken cancellationToken)
    {
        if (await db.Environments.AnyAsync(e => e.ProjectId == projectId && e.Name == name && e.Id != exceptId, cancellationToken))
        {
            throw new ValidationException("name", $"This project already has an environment named '{name}'.");
        }
    }

    private static AuditScope Scope(ProjectEnvironment e) => new(e.Project?.OrganisationId, e.ProjectId, e.Id);

    private static string Mask(string key) => key[..Math.Min(key.Length, 8)] + "…";

    private static object Snapshot(ProjectEnvironment e) => new { e.Id, e.Name, e.ClientKey, e.RequiredApprovals };
}
