using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Organisations;

public sealed record OrganisationSummary(int Id, string Name, int Version, int ProjectCount);

public sealed class OrganisationService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Organisation";

    /// <summary>The organisations the subject belongs to (all of them for the operator and administrators).</summary>
    public async Task<IReadOnlyList<OrganisationSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        var member = (await access.RightsAsync(cancellationToken)).Organisations;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Organisations.AsNoTracking().Where(o => member == null || member.Contains(o.Id)).OrderBy(o => o.Name)
            .Select(o => new OrganisationSummary(o.Id, o.Name, o.Version, o.Projects.Count))
            .ToListAsync(cancellationToken);
    }

    public async Task<Organisation> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Organisations.AsNoTracking().SingleOrDefaultAsync(o => o.Id == id, cancellationToken)
            ?? throw new NotFoundException(Entity, id);
    }

    /// <summary>Creates an organisation; a person who creates one is its first Owner. API keys act inside one organisation and may not.</summary>
    public async Task<Organisation> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        var subject = await access.SubjectAsync();
        if (subject is not (AccessSubject.Operator or AccessSubject.Person))
        {
            throw new ForbiddenException(Entity, name, Permission.ManageOrganisation, canRead: true);
        }

        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await EnsureNameFreeAsync(db, name, exceptId: null, cancellationToken);
        var organisation = new Organisation { Name = name, CreatedAt = clock.GetUtcNow() };
        db.Organisations.Add(organisation);
        await db.SaveOrConflictAsync(Entity, name, cancellationToken);
        if (subject is AccessSubject.Person person)
        {
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisation.Id, UserId = person.UserId, Role = OrganisationRole.Owner, JoinedAt = organisation.CreatedAt });
        }

        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, organisation.Id, name, new AuditScope(organisation.Id))
        {
            After = Snapshot(organisation),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return organisation;
    }

    public async Task<Organisation> RenameAsync(int id, string name, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, id, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        await EnsureNameFreeAsync(db, name, id, cancellationToken);
        var before = Snapshot(organisation);
        db.ExpectVersion(organisation, expectedVersion);
        organisation.Name = name;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, name, new AuditScope(id))
        {
            Before = before,
            After = Snapshot(organisation),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
        return organisation;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        db.Organisations.Remove(organisation);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, Entity, id, organisation.Name, new AuditScope(id))
        {
            Before = Snapshot(organisation),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
    }

    private static async Task EnsureNameFreeAsync(FlagDashboardDbContext db, string name, int? exceptId, CancellationToken cancellationToken)
    {
        if (await db.Organisations.AnyAsync(o => o.Name == name && o.Id != exceptId, cancellationToken))
        {
            throw new ValidationException("name", $"An organisation named '{name}' already exists.");
        }
    }

    private static object Snapshot(Organisation o) => new { o.Id, o.Name };
}
