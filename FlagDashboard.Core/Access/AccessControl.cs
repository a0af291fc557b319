using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Access;

/// <summary>
/// Works out what the current subject may do and stops what they may not. Every Core service method a page or
/// the admin API calls starts here, so a forged circuit event is refused as surely as an API request.
/// Rights are read afresh on each call: a person removed from a project loses it at once, on every instance.
/// </summary>
public sealed class AccessControl(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, OrganisationOwnership ownership)
{
    public ValueTask<AccessSubject> SubjectAsync() => actors.GetSubjectAsync();

    public async Task<AccessRights> RightsAsync(CancellationToken cancellationToken = default)
    {
        var subject = await actors.GetSubjectAsync();
        return subject switch
        {
            AccessSubject.Operator => AccessRights.Everything,
            AccessSubject.Person person => await PersonRightsAsync(person.UserId, cancellationToken),
            AccessSubject.ApiKey key => await ApiKeyRightsAsync(key, cancellationToken),
            _ => AccessRights.Nothing,
        };
    }

    /// <summary>Stops the call unless the thing exists (<see cref="NotFoundException"/>) and the subject may do this to it (<see cref="ForbiddenException"/>).</summary>
    public async Task<ResourceScope> RequireAsync(Permission permission, OwnedResource kind, int id, CancellationToken cancellationToken = default)
    {
        var scope = await ownership.ScopeAsync(kind, id, cancellationToken) ?? throw new NotFoundException(kind.ToString(), id);
        await RequireAsync(permission, scope, kind, id, cancellationToken);
        return scope;
    }

    public async Task RequireAsync(Permission permission, ResourceScope scope, OwnedResource kind, int id, CancellationToken cancellationToken = default)
    {
        var rights = await RightsAsync(cancellationToken);
        if (!rights.Allows(permission, scope))
        {
            throw new ForbiddenException(kind.ToString(), id, permission, rights.Allows(Permission.Read, scope));
        }
    }

    public async Task<bool> CanAsync(Permission permission, OwnedResource kind, int id, CancellationToken cancellationToken = default)
    {
        var scope = await ownership.ScopeAsync(kind, id, cancellationToken);
        return scope is { } found && (await RightsAsync(cancellationToken)).Allows(permission, found);
    }

    /// <summary>What the subject may do in a project; <see cref="ProjectPermissions.None"/> when it does not exist or is not theirs to see.</summary>
    public async Task<ProjectPermissions> ForProjectAsync(int projectId, CancellationToken cancellationToken = default)
    {
        var scope = await ownership.ScopeAsync(OwnedResource.Project, projectId, cancellationToken);
        return scope is { } found ? new ProjectPermissions(await RightsAsync(cancellationToken), found) : ProjectPermissions.None;
    }

    private async Task<AccessRights> PersonRightsAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.Users.AnyAsync(u => u.Id == userId && u.IsAdministrator, cancellationToken))
        {
            return AccessRights.Everything;
        }

        var organisations = await db.OrganisationMembers.AsNoTracking().Where(m => m.UserId == userId)
            .ToDictionaryAsync(m => m.OrganisationId, m => m.Role, cancellationToken);
        var grants = await db.ProjectRoleGrants.AsNoTracking()
            .Where(g => g.UserId == userId || db.AccessGroupMembers.Any(m => m.GroupId == g.GroupId && m.UserId == userId))
            .Select(g => new { g.ProjectId, g.Project!.OrganisationId, g.Role, g.AllEnvironments, Environments = g.StateEnvironments.Select(e => e.EnvironmentId).ToList() })
            .ToListAsync(cancellationToken);
        var projects = new Dictionary<int, ProjectAccess>();
        foreach (var grant in grants.Where(g => organisations.ContainsKey(g.OrganisationId)))
        {
            var access = new ProjectAccess(grant.Role, grant.AllEnvironments, grant.Environments.ToHashSet());
            projects[grant.ProjectId] = projects.TryGetValue(grant.ProjectId, out var held) ? held.Union(access) : access;
        }

        return new AccessRights(false, organisations, projects);
    }

    private async Task<AccessRights> ApiKeyRightsAsync(AccessSubject.ApiKey key, CancellationToken cancellationToken)
    {
        if (key is { Role: ApiKeyRole.Owner, ProjectId: null })
        {
            return new AccessRights(false, new Dictionary<int, OrganisationRole> { [key.OrganisationId] = OrganisationRole.Owner }, new Dictionary<int, ProjectAccess>());
        }

        var role = key.Role == ApiKeyRole.Owner ? ProjectRole.Admin : ProjectRole.Viewer;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var projectIds = await db.Projects.AsNoTracking()
            .Where(p => p.OrganisationId == key.OrganisationId && (key.ProjectId == null || p.Id == key.ProjectId))
            .Select(p => p.Id).ToListAsync(cancellationToken);
        return new AccessRights(
            false,
            new Dictionary<int, OrganisationRole> { [key.OrganisationId] = OrganisationRole.Member },
            projectIds.ToDictionary(id => id, _ => new ProjectAccess(role, true, new HashSet<int>())));
    }
}
