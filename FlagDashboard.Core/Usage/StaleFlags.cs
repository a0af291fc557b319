using FlagDashboard.Core.Access;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage;

/// <summary>
/// A feature's last evaluations: the latest window it was evaluated in per environment (from the usage
/// store), the latest of them, and whether it is stale: not evaluated anywhere for the threshold, older
/// than the threshold itself, not tagged permanent and not archived (an archived flag is no candidate for removal).
/// <paramref name="ThresholdDays"/> is the threshold it was judged by (the project's setting unless one was given).
/// </summary>
public sealed record FeatureStaleness(int FeatureId, string Name, IReadOnlyList<FeatureLastEvaluation> Environments, DateTimeOffset? LastEvaluated, bool IsStale, int ThresholdDays);

/// <summary>Which flags nobody evaluates any more, from the usage store's own last-evaluation query (no write on the SDK path).</summary>
public sealed class StaleFlagService(UsageQueryService usage, IDbContextFactory<FlagDashboardDbContext> dbFactory, AccessControl access, TimeProvider clock)
{
    /// <summary>A feature tagged so is expected to live on (a kill switch, an operations toggle): never stale.</summary>
    public const string PermanentTag = "permanent";

    /// <summary>Every feature of the project, by name, judged by <paramref name="threshold"/> or else the project's own setting; one query to the usage store for all.</summary>
    public async Task<IReadOnlyList<FeatureStaleness>> ForProjectAsync(int projectId, TimeSpan? threshold = null, CancellationToken cancellationToken = default)
    {
        var scope = await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        if (threshold is { } given && given < TimeSpan.FromDays(1))
        {
            throw new ValidationException("threshold", "The threshold must be at least one day.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var limit = threshold ?? TimeSpan.FromDays(await db.Projects.Where(p => p.Id == projectId).Select(p => p.StaleFlagDays).SingleAsync(cancellationToken));
        var features = await db.Features.AsNoTracking().Where(f => f.ProjectId == projectId)
            .Select(f => new { f.Id, f.Name, f.Tags, f.IsArchived, f.CreatedAt }).ToListAsync(cancellationToken);
        var last = (await usage.LastEvaluationsAsync(scope.OrganisationId, projectId, cancellationToken)).ToLookup(l => l.FeatureId);
        var cutoff = clock.GetUtcNow() - limit;
        return features.OrderBy(f => f.Name, StringComparer.OrdinalIgnoreCase).Select(f =>
        {
            var environments = last[f.Id].OrderBy(l => l.EnvironmentId).ToList();
            DateTimeOffset? latest = environments.Count == 0 ? null : environments.Max(l => l.LastEvaluated);
            var stale = !f.IsArchived
                && f.CreatedAt <= cutoff
                && !f.Tags.Contains(PermanentTag, StringComparer.OrdinalIgnoreCase)
                && (latest is null || latest < cutoff);
            return new FeatureStaleness(f.Id, f.Name, environments, latest, stale, (int)Math.Round(limit.TotalDays));
        }).ToList();
    }

    /// <summary>One feature's last evaluations and staleness, judged by its project's threshold.</summary>
    public async Task<FeatureStaleness> ForFeatureAsync(int featureId, CancellationToken cancellationToken = default)
    {
        int projectId;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            projectId = await db.Features.AsNoTracking().Where(f => f.Id == featureId).Select(f => (int?)f.ProjectId).SingleOrDefaultAsync(cancellationToken)
                ?? throw new NotFoundException("Feature", featureId);
        }

        return (await ForProjectAsync(projectId, cancellationToken: cancellationToken)).SingleOrDefault(f => f.FeatureId == featureId)
            ?? throw new NotFoundException("Feature", featureId);
    }
}
