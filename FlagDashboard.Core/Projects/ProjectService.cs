using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Projects;

/// <summary>A project in the list: <paramref name="FeatureCount"/> counts the features in use, not the archived ones.</summary>
public sealed record ProjectSummary(int Id, int OrganisationId, string OrganisationName, string Name, bool HideDisabledFlags, int Version, int EnvironmentCount, int FeatureCount, int ArchivedFeatureCount = 0)
{
    public int StaleFlagDays { get; init; } = Project.DefaultStaleFlagDays;
}

/// <summary>A project's settings; <paramref name="StaleFlagDays"/> null keeps what the project has.</summary>
public sealed record ProjectSettings(string Name, bool HideDisabledFlags, int? StaleFlagDays = null);

public sealed class ProjectService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Project";

    /// <summary>The projects the subject sees: every one of the organisations they own, and those they hold a role in.</summary>
    public async Task<IReadOnlyList<ProjectSummary>> ListAsync(int? organisationId = null, CancellationToken cancellationToken = default)
    {
        var rights = await access.RightsAsync(cancellationToken);
        var everything = rights.SeesEverything;
        var owned = rights.OwnedOrganisations;
        var granted = rights.GrantedProjects;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Projects.AsNoTracking()
            .Where(p => organisationId == null || p.OrganisationId == organisationId)
            .Where(p => everything || owned.Contains(p.OrganisationId) || granted.Contains(p.Id))
            .OrderBy(p => p.Organisation!.Name).ThenBy(p => p.Name)
            .Select(p => new ProjectSummary(p.Id, p.OrganisationId, p.Organisation!.Name, p.Name, p.HideDisabledFlags, p.Version, p.Environments.Count, p.Features.Count(f => !f.IsArchived), p.Features.Count(f => f.IsArchived)) { StaleFlagDays = p.StaleFlagDays })
            .ToListAsync(cancellationToken);
    }

    public async Task<Project> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Projects.AsNoTracking().Include(p => p.Organisation).SingleOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw new NotFoundException(Entity, id);
    }

    public async Task<Project> CreateAsync(int organisationId, string name, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Organisations.AnyAsync(o => o.Id == organisationId, cancellationToken))
        {
            throw new NotFoundException("Organisation", organisationId);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await EnsureNameFreeAsync(db, organisationId, name, null, cancellationToken);
        var project = new Project { OrganisationId = organisationId, Name = name, CreatedAt = clock.GetUtcNow() };
        db.Projects.Add(project);
        await db.SaveOrConflictAsync(Entity, name, cancellationToken);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, project.Id, name, new AuditScope(organisationId, project.Id))
        {
            After = Snapshot(project),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return project;
    }

    public async Task<Project> UpdateAsync(int id, ProjectSettings settings, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Project, id, cancellationToken);
        new Validation().Name("name", settings.Name)
            .Check(settings.StaleFlagDays is null or (>= Project.MinStaleFlagDays and <= Project.MaxStaleFlagDays), "staleFlagDays",
                $"A flag becomes stale after {Project.MinStaleFlagDays} to {Project.MaxStaleFlagDays} days.")
            .ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        await EnsureNameFreeAsync(db, project.OrganisationId, settings.Name, id, cancellationToken);
        var before = Snapshot(project);
        db.ExpectVersion(project, expectedVersion);
        project.Name = settings.Name;
        project.HideDisabledFlags = settings.HideDisabledFlags;
        project.StaleFlagDays = settings.StaleFlagDays ?? project.StaleFlagDays;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, project.Name, new AuditScope(project.OrganisationId, id))
        {
            Before = before,
            After = Snapshot(project),
        });
        await db.SaveAndTouchAsync(Entity, id, e => e.ProjectId == id, clock, cancellationToken);
        return project;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Project, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.SingleOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        db.Projects.Remove(project);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, Entity, id, project.Name, new AuditScope(project.OrganisationId, id))
        {
            Before = Snapshot(project),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
    }

    private static async Task EnsureNameFreeAsync(FlagDashboardDbContext db, int organisationId, string name, int? exceptId, CancellationToken cancellationToken)
    {
        if (await db.Projects.AnyAsync(p => p.OrganisationId == organisationId && p.Name == name && p.Id != exceptId, cancellationToken))
        {
            throw new ValidationException("name", $"This organisation already has a project named '{name}'.");
        }
    }

    private static object Snapshot(Project p) => new { p.Id, p.Name, p.HideDisabledFlags, p.StaleFlagDays };
}
