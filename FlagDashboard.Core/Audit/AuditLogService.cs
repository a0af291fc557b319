using FlagDashboard.Core.Access;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Audit;

public sealed record AuditFilter(
    int? OrganisationId = null,
    int? ProjectId = null,
    int? EnvironmentId = null,
    string? EntityType = null,
    string? Actor = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null);

public sealed record AuditPage(IReadOnlyList<AuditEntry> Items, int TotalCount);

/// <summary>The kinds of entity and the people found in a project's audit log, for its filters.</summary>
public sealed record AuditFacets(IReadOnlyList<string> EntityTypes, IReadOnlyList<string> Actors);

public sealed class AuditLogService(IDbContextFactory<FlagDashboardDbContext> dbFactory, AccessControl access)
{
    /// <summary>
    /// The entries the subject may see: all of an organisation they own, the organisation-wide ones of an
    /// organisation they belong to, and those of the projects they hold a role in.
    /// </summary>
    private async Task<IQueryable<AuditEntry>> VisibleAsync(FlagDashboardDbContext db, CancellationToken cancellationToken)
    {
        var rights = await access.RightsAsync(cancellationToken);
        var query = db.AuditEntries.AsNoTracking();
        if (rights.Organisations is not { } member)
        {
            return query;
        }

        var owned = rights.OwnedOrganisations;
        var projects = rights.GrantedProjects;
        return query.Where(a => a.OrganisationId != null && (owned.Contains(a.OrganisationId.Value)
            || (a.ProjectId == null && member.Contains(a.OrganisationId.Value))
            || (a.ProjectId != null && projects.Contains(a.ProjectId.Value))));
    }

    public async Task<AuditPage> QueryAsync(AuditFilter filter, int skip, int take, CancellationToken cancellationToken = default)
    {
        take = Math.Clamp(take, 1, 500);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = await VisibleAsync(db, cancellationToken);
        if (filter.OrganisationId is { } organisationId) query = query.Where(a => a.OrganisationId == organisationId);
        if (filter.ProjectId is { } projectId) query = query.Where(a => a.ProjectId == projectId);
        if (filter.EnvironmentId is { } environmentId) query = query.Where(a => a.EnvironmentId == environmentId);
        if (!string.IsNullOrEmpty(filter.EntityType)) query = query.Where(a => a.EntityType == filter.EntityType);
        if (!string.IsNullOrEmpty(filter.Actor)) query = query.Where(a => a.Actor == filter.Actor);
        // Times are stored as UTC and the SQLite converter compares clock readings, not instants: compare in UTC.
        if (filter.From?.ToUniversalTime() is { } from) query = query.Where(a => a.At >= from);
        if (filter.To?.ToUniversalTime() is { } to) query = query.Where(a => a.At < to);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(a => a.At).ThenByDescending(a => a.Id).Skip(Math.Max(0, skip)).Take(take).ToListAsync(cancellationToken);
        return new AuditPage(items, total);
    }

    public async Task<AuditFacets> FacetsAsync(int? projectId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = (await VisibleAsync(db, cancellationToken)).Where(a => projectId == null || a.ProjectId == projectId);
        var types = await query.Select(a => a.EntityType).Distinct().OrderBy(t => t).ToListAsync(cancellationToken);
        var actors = await query.Select(a => a.Actor).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
        return new AuditFacets(types, actors);
    }
}
