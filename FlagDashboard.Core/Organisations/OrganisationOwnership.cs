using FlagDashboard.Core.Access;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Organisations;

/// <summary>The kinds of things that belong to an organisation, for checking who may touch them.</summary>
public enum OwnedResource
{
    Organisation,
    Project,
    Environment,
    Feature,
    FeatureState,
    Segment,
    Identity,
    Webhook,
    ServerSideKey,
    AdminApiKey,
    Group,
    Invitation,
    ProjectRoleGrant,
}

/// <summary>Finds the organisation a project, environment, feature... belongs to, so that a caller acting for one organisation stays inside it.</summary>
public sealed class OrganisationOwnership(IDbContextFactory<FlagDashboardDbContext> dbFactory)
{
    /// <summary>The organisation, project and environment a thing lives in; null when there is no such thing.</summary>
    public async Task<ResourceScope?> ScopeAsync(OwnedResource kind, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var scope = kind switch
        {
            OwnedResource.Organisation => db.Organisations.Where(o => o.Id == id).Select(o => new ResourceScope(o.Id, null, null)),
            OwnedResource.Project => db.Projects.Where(p => p.Id == id).Select(p => new ResourceScope(p.OrganisationId, p.Id, null)),
            OwnedResource.Environment => db.Environments.Where(e => e.Id == id).Select(e => new ResourceScope(e.Project!.OrganisationId, e.ProjectId, e.Id)),
            OwnedResource.Feature => db.Features.Where(f => f.Id == id).Select(f => new ResourceScope(f.Project!.OrganisationId, f.ProjectId, null)),
            OwnedResource.FeatureState => db.FeatureStates.Where(s => s.Id == id).Select(s => new ResourceScope(s.Environment!.Project!.OrganisationId, s.Environment.ProjectId, s.EnvironmentId)),
            OwnedResource.Segment => db.Segments.Where(s => s.Id == id).Select(s => new ResourceScope(s.Project!.OrganisationId, s.ProjectId, null)),
            OwnedResource.Identity => db.Identities.Where(i => i.Id == id).Select(i => new ResourceScope(i.Environment!.Project!.OrganisationId, i.Environment.ProjectId, i.EnvironmentId)),
            OwnedResource.Webhook => db.Webhooks.Where(w => w.Id == id).Select(w => w.EnvironmentId == null
                ? new ResourceScope(w.OrganisationId!.Value, null, null)
                : new ResourceScope(w.Environment!.Project!.OrganisationId, w.Environment.ProjectId, w.EnvironmentId)),
            OwnedResource.ServerSideKey => db.ServerSideKeys.Where(k => k.Id == id).Select(k => new ResourceScope(k.Environment!.Project!.OrganisationId, k.Environment.ProjectId, k.EnvironmentId)),
            OwnedResource.AdminApiKey => db.AdminApiKeys.Where(k => k.Id == id).Select(k => new ResourceScope(k.OrganisationId, null, null)),
            OwnedResource.Group => db.AccessGroups.Where(g => g.Id == id).Select(g => new ResourceScope(g.OrganisationId, null, null)),
            OwnedResource.Invitation => db.Invitations.Where(i => i.Id == id).Select(i => new ResourceScope(i.OrganisationId, null, null)),
            OwnedResource.ProjectRoleGrant => db.ProjectRoleGrants.Where(g => g.Id == id).Select(g => new ResourceScope(g.Project!.OrganisationId, g.ProjectId, null)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return await scope.Select(s => (ResourceScope?)s).SingleOrDefaultAsync(cancellationToken);
    }
}
