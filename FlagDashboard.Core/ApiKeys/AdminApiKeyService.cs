using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.ApiKeys;

public sealed record CreatedApiKey(AdminApiKey Key, string Secret);

public sealed record AuthenticatedApiKey(int Id, int OrganisationId, string Name, ApiKeyRole Role, int? ProjectId);

public sealed class AdminApiKeyService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "AdminApiKey";
    private const string KeyPrefix = "fdk_";

    public async Task<IReadOnlyList<AdminApiKey>> ListAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AdminApiKeys.AsNoTracking().Where(k => k.OrganisationId == organisationId).OrderBy(k => k.Id).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Creates a key with a role, optionally for one project of the organisation; the returned secret is the only
    /// time the whole key is seen.
    /// </summary>
    public async Task<CreatedApiKey> CreateAsync(int organisationId, string name, ApiKeyRole role = ApiKeyRole.Owner, int? projectId = null, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        var validation = new Validation().Name("name", name);
        if (!Enum.IsDefined(role))
        {
            validation.Add("role", "Is owner or viewer.");
        }

        validation.ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (projectId is { } scoped && !await db.Projects.AnyAsync(p => p.Id == scoped && p.OrganisationId == organisationId, cancellationToken))
        {
            throw new ValidationException("projectId", $"The organisation has no project {scoped}.");
        }

        var secret = KeyPrefix + KeyGenerator.NewSecret(40);
        var actor = await actors.GetActorAsync();
        var key = new AdminApiKey
        {
            OrganisationId = organisationId,
            Name = name,
            Role = role,
            ProjectId = projectId,
            Prefix = secret[..10],
            SecretHash = KeyGenerator.HashSecret(secret),
            CreatedAt = clock.GetUtcNow(),
            CreatedBy = actor,
        };
        db.AdminApiKeys.Add(key);
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Created, Entity, key.Prefix, name, new AuditScope(organisationId))
        {
            After = new { key.Name, key.Prefix, key.Role, key.ProjectId },
        });
        await db.SaveOrConflictAsync("API key", name, cancellationToken);
        return new CreatedApiKey(key, secret);
    }

    /// <summary>The organisation a presented key acts for, or null when the key is unknown or revoked.</summary>
    public async Task<AuthenticatedApiKey?> AuthenticateAsync(string presented, CancellationToken cancellationToken = default)
    {
        if (!presented.StartsWith(KeyPrefix, StringComparison.Ordinal) || presented.Length > 200)
        {
            return null;
        }

        var hash = KeyGenerator.HashSecret(presented);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.AdminApiKeys.AsNoTracking().Where(k => k.SecretHash == hash && k.RevokedAt == null)
            .Select(k => new AuthenticatedApiKey(k.Id, k.OrganisationId, k.Name, k.Role, k.ProjectId)).SingleOrDefaultAsync(cancellationToken);
    }

    public async Task RevokeAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.AdminApiKey, id, cancellationToken);
        var key = await db.AdminApiKeys.SingleOrDefaultAsync(k => k.Id == id, cancellationToken) ?? throw new NotFoundException("API key", id);
        if (key.RevokedAt is not null)
        {
            return;
        }

        key.RevokedAt = clock.GetUtcNow();
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, key.Prefix, key.Name, new AuditScope(key.OrganisationId))
        {
            Before = new { Revoked = false },
            After = new { Revoked = true },
        });
        await db.SaveChangesAsync(cancellationToken);
    }

}
