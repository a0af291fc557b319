using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage;

public enum UsageScope
{
    Organisation,
    Project,
    Environment,
    Feature,
}

/// <summary>A chart's question: a metric over a scope and a range, grouped one way; the window is chosen unless forced.</summary>
public sealed record UsageSeriesRequest(
    UsageMetric Metric,
    UsageScope Scope,
    int? Id,
    int? EnvironmentId,
    DateTimeOffset From,
    DateTimeOffset To,
    UsageGrouping Grouping,
    UsageWindow? Window = null);

/// <summary>The answer: the window used, the range widened to whole windows, the lines and their total.</summary>
public sealed record UsageSeries(UsageWindow Window, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageLine> Series, long Total);

public sealed record FlagUsage(int Id, string Name, long Count);

/// <summary>The one way usage is read, by the dashboard's charts and by <c>/api/usage</c>.</summary>
public sealed class UsageQueryService(IUsageStore store, IDbContextFactory<FlagDashboardDbContext> dbFactory, IOptions<UsageOptions> options, TimeProvider clock)
{
    /// <summary>The most points one line may have: a chart shows no more, and it bounds the memory of an answer.</summary>
    public const int MaxPointsPerLine = 10_000;

    public async Task<UsageSeries> SeriesAsync(int organisationId, UsageSeriesRequest request, CancellationToken cancellationToken = default)
    {
        Validate(request.From, request.To);
        ValidateGrouping(request.Metric, request.Grouping);
        var window = request.Window ?? options.Value.Windows.Choose(request.From, request.To, clock.GetUtcNow(), store.Retention);
        var (from, to) = Widen(window, request.From, request.To);
        ValidatePoints(window, from, to);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = request.Scope switch
        {
            UsageScope.Organisation => Query(organisationId, null, null, null),
            UsageScope.Project => Query(organisationId, await ProjectOfOrganisationAsync(db, organisationId, request.Id, cancellationToken), null, null),
            UsageScope.Environment => await EnvironmentQueryAsync(db, organisationId, request.Id, cancellationToken),
            _ => await FeatureQueryAsync(db, organisationId, request, cancellationToken),
        };

        var lines = await store.QueryAsync(query, cancellationToken);
        return new UsageSeries(window, from, to, lines, lines.Sum(l => l.Total));

        UsageQuery Query(int organisation, int? project, int? environment, string? feature) =>
            new(request.Metric, organisation, project, environment, feature, from, to, window, request.Grouping);

        async Task<UsageQuery> EnvironmentQueryAsync(FlagDashboardDbContext db, int organisation, int? id, CancellationToken token)
        {
            var environment = await EnvironmentOfOrganisationAsync(db, organisation, id, "id", token);
            return Query(organisation, environment.ProjectId, environment.Id, null);
        }

        async Task<UsageQuery> FeatureQueryAsync(FlagDashboardDbContext db, int organisation, UsageSeriesRequest r, CancellationToken token)
        {
            if (r.Metric != UsageMetric.FlagEvaluations)
            {
                throw new ValidationException("scope", "A feature scope is for the flag_evaluations metric.");
            }

            var feature = await db.Features.AsNoTracking().Where(f => f.Id == r.Id && f.Project!.OrganisationId == organisation)
                .Select(f => new { f.Name, f.ProjectId }).SingleOrDefaultAsync(token)
                ?? throw new ValidationException("id", $"Feature {r.Id} is not in this organisation.");
            int? environmentId = null;
            if (r.EnvironmentId is not null)
            {
                var environment = await EnvironmentOfOrganisationAsync(db, organisation, r.EnvironmentId, "environment", token);
                if (environment.ProjectId != feature.ProjectId)
                {
                    throw new ValidationException("environment", $"Environment {r.EnvironmentId} is not in the feature's project.");
                }

                environmentId = environment.Id;
            }

            return Query(organisation, feature.ProjectId, environmentId, feature.Name);
        }
    }

    /// <summary>Every feature of the environment's project with its evaluations in the range, most first; none is 0 (candidates for removal).</summary>
    public async Task<IReadOnlyList<FlagUsage>> FlagsAsync(int organisationId, int environmentId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        Validate(from, to);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await EnvironmentOfOrganisationAsync(db, organisationId, environmentId, "environment", cancellationToken);
        var window = options.Value.Windows.Choose(from, to, clock.GetUtcNow(), store.Retention);
        (from, to) = Widen(window, from, to);
        var lines = await store.QueryAsync(new UsageQuery(UsageMetric.FlagEvaluations, organisationId, environment.ProjectId, environment.Id, null, from, to, window, UsageGrouping.Feature), cancellationToken);
        var counts = lines.ToDictionary(l => l.Key, l => l.Total, StringComparer.Ordinal);
        var features = await db.Features.AsNoTracking().Where(f => f.ProjectId == environment.ProjectId).Select(f => new { f.Id, f.Name }).ToListAsync(cancellationToken);
        return features.Select(f => new FlagUsage(f.Id, f.Name, counts.GetValueOrDefault(f.Name)))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>Checks a range: in order, not empty, within what the longest-kept window holds, not far in the future.</summary>
    public void Validate(DateTimeOffset from, DateTimeOffset to)
    {
        var now = clock.GetUtcNow();
        if (to <= from)
        {
            throw new ValidationException("to", "'to' must be after 'from'.");
        }

        var longest = options.Value.Retention.OneHour;
        if (from < now - longest - TimeSpan.FromHours(1))
        {
            throw new ValidationException("from", $"Usage is kept for {longest.TotalDays:0} days; 'from' is earlier than that.");
        }

        if (to > now + TimeSpan.FromDays(1))
        {
            throw new ValidationException("to", "'to' is more than a day in the future; no usage is recorded there yet.");
        }
    }

    private static void ValidateGrouping(UsageMetric metric, UsageGrouping grouping)
    {
        var fits = metric == UsageMetric.ApiCalls
            ? grouping is UsageGrouping.None or UsageGrouping.Resource or UsageGrouping.Status or UsageGrouping.Environment
            : grouping is UsageGrouping.None or UsageGrouping.Feature or UsageGrouping.Environment;
        if (!fits)
        {
            throw new ValidationException("group", metric == UsageMetric.ApiCalls
                ? "API calls are grouped by resource, status, environment or none."
                : "Flag evaluations are grouped by feature, environment or none.");
        }
    }

    private static void ValidatePoints(UsageWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        if ((to - from).Ticks / window.Length().Ticks > MaxPointsPerLine)
        {
            throw new ValidationException("window", $"{window.Label()} windows over this range give more than {MaxPointsPerLine} points; choose a coarser window or a shorter range.");
        }
    }

    private static (DateTimeOffset From, DateTimeOffset To) Widen(UsageWindow window, DateTimeOffset from, DateTimeOffset to)
    {
        var start = window.Floor(from);
        var end = window.Floor(to);
        return (start, end < to ? end + window.Length() : end);
    }

    private static async Task<int> ProjectOfOrganisationAsync(FlagDashboardDbContext db, int organisationId, int? projectId, CancellationToken cancellationToken) =>
        await db.Projects.AsNoTracking().Where(p => p.Id == projectId && p.OrganisationId == organisationId).Select(p => (int?)p.Id).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ValidationException("id", $"Project {projectId} is not in this organisation.");

    private static async Task<(int Id, int ProjectId)> EnvironmentOfOrganisationAsync(FlagDashboardDbContext db, int organisationId, int? environmentId, string field, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().Where(e => e.Id == environmentId && e.Project!.OrganisationId == organisationId)
            .Select(e => new { e.Id, e.ProjectId }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ValidationException(field, $"Environment {environmentId} is not in this organisation.");
        return (environment.Id, environment.ProjectId);
    }
}
