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
}

/// <summary>Finds the organisation a project, environment, feature... belongs to, so that a caller acting for one organisation stays inside it.</summary>
public sealed class OrganisationOwnership(IDbContextFactory<FlagDashboardDbContext> dbFactory)
{
    /// <summary>The owning organisation's id; null when there is no such thing.</summary>
    public async Task<int?> OwnerAsync(OwnedResource kind, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var owner = kind switch
        {
            OwnedResource.Organisation => db.Organisations.Where(o => o.Id == id).Select(o => (int?)o.Id),
            OwnedResource.Project => db.Projects.Where(p => p.Id == id).Select(p => (int?)p.OrganisationId),
            OwnedResource.Environment => db.Environments.Where(e => e.Id == id).Select(e => (int?)e.Project!.OrganisationId),
            OwnedResource.Feature => db.Features.Where(f => f.Id == id).Select(f => (int?)f.Project!.OrganisationId),
            OwnedResource.FeatureState => db.FeatureStates.Where(s => s.Id == id).Select(s => (int?)s.Environment!.Project!.OrganisationId),
            OwnedResource.Segment => db.Segments.Where(s => s.Id == id).Select(s => (int?)s.Project!.OrganisationId),
            OwnedResource.Identity => db.Identities.Where(i => i.Id == id).Select(i => (int?)i.Environment!.Project!.OrganisationId),
            OwnedResource.Webhook => db.Webhooks.Where(w => w.Id == id).Select(w => (int?)w.Environment!.Project!.OrganisationId),
            OwnedResource.ServerSideKey => db.ServerSideKeys.Where(k => k.Id == id).Select(k => (int?)k.Environment!.Project!.OrganisationId),
            OwnedResource.AdminApiKey => db.AdminApiKeys.Where(k => k.Id == id).Select(k => (int?)k.OrganisationId),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };
        return await owner.SingleOrDefaultAsync(cancellationToken);
    }
}
