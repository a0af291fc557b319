using System.Globalization;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage;

public enum UsageScope
{
    Organisation,
    Project,
    Environment,
    Feature,
}

/// <summary>
/// A chart's question: a metric over a scope and a range, grouped one way; the window (bucket) and the
/// step between points are chosen unless forced.
/// </summary>
public sealed record UsageSeriesRequest(
    UsageMetric Metric,
    UsageScope Scope,
    int? Id,
    int? EnvironmentId,
    DateTimeOffset From,
    DateTimeOffset To,
    UsageGrouping Grouping,
    UsageWindow? Window = null,
    TimeSpan? Step = null);

/// <summary>The answer: the window read, the step between points, the range widened to whole steps, the lines and their total.</summary>
public sealed record UsageSeries(UsageWindow Window, DateTimeOffset From, DateTimeOffset To, IReadOnlyList<UsageLine> Series, long Total)
{
    public TimeSpan Step { get; init; } = Window.Length();
}

/// <summary>A feature's evaluations in a range; an archived one is still counted (SDKs are still served it).</summary>
public sealed record FlagUsage(int Id, string Name, long Count, bool IsArchived = false);

/// <summary>The one way usage is read, by the dashboard's charts, by <c>/api/usage</c> and by limits and stale-flag checks.</summary>
public sealed class UsageQueryService(IUsageStore store, IDbContextFactory<FlagDashboardDbContext> dbFactory, AccessControl access, TimeProvider clock)
{
    /// <summary>The most points one line may have when a step is forced: it bounds the memory of an answer.</summary>
    public const int MaxPointsPerLine = 10_000;

    public async Task<UsageSeries> SeriesAsync(int organisationId, UsageSeriesRequest request, CancellationToken cancellationToken = default)
    {
        Validate(request.From, request.To);
        ValidateGrouping(request.Metric, request.Grouping);
        if (request.Step is { } forcedStep && (forcedStep <= TimeSpan.Zero || (request.Window is { } forcedWindow && forcedStep.Ticks % forcedWindow.Length().Ticks != 0)))
        {
            throw new ValidationException("step", "The step must be a whole number of windows.");
        }

        if (request.Window is { } window && request.From < clock.GetUtcNow() - store.Retention(window))
        {
            throw new ValidationException("window", $"{window.Label()} windows are kept for {store.Retention(window).TotalDays:0.##} days; 'from' is earlier than that.");
        }

        var plan = UsageSteps.Choose(request.From, request.To, clock.GetUtcNow(), store.Retention, request.Window, request.Step);
        if (plan.Points > MaxPointsPerLine)
        {
            throw new ValidationException("step", $"A {UsageWindows.StepLabel(plan.Step)} step over this range gives more than {MaxPointsPerLine} points; choose a longer step or a shorter range.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var scope = await ScopeAsync(db, organisationId, request.Metric, request.Scope, request.Id, request.EnvironmentId, cancellationToken);
        await RequireReadAsync(organisationId, scope.ProjectId, cancellationToken);
        var query = new UsageQuery(request.Metric, organisationId, scope.ProjectId, scope.EnvironmentId, scope.FeatureId, plan.From, plan.To, plan.Window, request.Grouping)
        {
            Step = plan.Step,
            LegacyFeatureName = scope.FeatureName,
        };

        var lines = await store.QueryAsync(query, cancellationToken);
        if (request.Grouping == UsageGrouping.Feature)
        {
            lines = NameFeatures(lines, await FeatureNamesAsync(db, organisationId, scope.ProjectId, cancellationToken));
        }

        return new UsageSeries(plan.Window, plan.From, plan.To, lines, lines.Sum(l => l.Total)) { Step = plan.Step };
    }

    /// <summary>Every feature of the environment's project with its evaluations in the range, most first; none is 0 (candidates for removal).</summary>
    public async Task<IReadOnlyList<FlagUsage>> FlagsAsync(int organisationId, int environmentId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        Validate(from, to);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await EnvironmentOfOrganisationAsync(db, organisationId, environmentId, "environment", cancellationToken);
        await RequireReadAsync(organisationId, environment.ProjectId, cancellationToken);
        var totals = await TotalsAsync(new UsageQuery(UsageMetric.FlagEvaluations, organisationId, environment.ProjectId, environment.Id, null, from, to, UsageWindow.OneMinute, UsageGrouping.Feature), cancellationToken);
        var features = await db.Features.AsNoTracking().Where(f => f.ProjectId == environment.ProjectId).Select(f => new { f.Id, f.Name, f.IsArchived }).ToListAsync(cancellationToken);
        var names = features.ToDictionary(f => f.Id.ToString(CultureInfo.InvariantCulture), f => f.Name, StringComparer.Ordinal);
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var total in totals)
        {
            var name = names.GetValueOrDefault(total.Key, total.Key);
            counts[name] = counts.GetValueOrDefault(name) + total.Count;
        }

        return features.Select(f => new FlagUsage(f.Id, f.Name, counts.GetValueOrDefault(f.Name), f.IsArchived))
            .OrderByDescending(f => f.Count).ThenBy(f => f.Name, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// The total of a metric over a period for an organisation, or one of its projects or environments:
    /// summed by the store, each part of the range from the coarsest window it is a whole number of.
    /// </summary>
    public async Task<long> TotalAsync(int organisationId, UsageMetric metric, int? projectId, int? environmentId, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        Validate(from, to);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (environmentId is { } environment)
        {
            var found = await EnvironmentOfOrganisationAsync(db, organisationId, environment, "environment", cancellationToken);
            if (projectId is not null && projectId != found.ProjectId)
            {
                throw new ValidationException("environment", $"Environment {environment} is not in project {projectId}.");
            }

            projectId = found.ProjectId;
        }
        else if (projectId is { } project)
        {
            await ProjectOfOrganisationAsync(db, organisationId, project, cancellationToken);
        }

        await RequireReadAsync(organisationId, projectId, cancellationToken);
        var totals = await TotalsAsync(new UsageQuery(metric, organisationId, projectId, environmentId, null, from, to, UsageWindow.OneMinute, UsageGrouping.None), cancellationToken);
        return totals.Sum(t => t.Count);
    }

    /// <summary>The calendar month so far (UTC) for an organisation, project or environment.</summary>
    public Task<long> MonthTotalAsync(int organisationId, UsageMetric metric, int? projectId, int? environmentId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return TotalAsync(organisationId, metric, projectId, environmentId, new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero), now, cancellationToken);
    }

    /// <summary>The start of what the store still holds (its longest-kept window); a range is read from here on.</summary>
    public DateTimeOffset OldestKept => clock.GetUtcNow() - UsageWindows.All.Max(store.Retention);

    /// <summary>An organisation's sums over a range, one per group (project, environment, feature…), largest first; to its Owners.</summary>
    public async Task<IReadOnlyList<UsageTotal>> OrganisationTotalsAsync(int organisationId, UsageMetric metric, UsageGrouping grouping, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        Validate(from, to);
        ValidateGrouping(metric, grouping);
        await RequireReadAsync(organisationId, null, cancellationToken);
        return await TotalsAsync(new UsageQuery(metric, organisationId, null, null, null, from, to, UsageWindow.OneMinute, grouping), cancellationToken);
    }

    /// <summary>Refuses someone who may not see the whole organisation's usage (only its Owners may).</summary>
    public Task RequireOrganisationReadAsync(int organisationId, CancellationToken cancellationToken = default) => RequireReadAsync(organisationId, null, cancellationToken);

    /// <summary>When each feature of the project was last evaluated, per environment (features never evaluated within retention are absent).</summary>
    public async Task<IReadOnlyList<FeatureLastEvaluation>> LastEvaluationsAsync(int organisationId, int projectId, CancellationToken cancellationToken = default)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await ProjectOfOrganisationAsync(db, organisationId, projectId, cancellationToken);
        }

        await RequireReadAsync(organisationId, projectId, cancellationToken);
        return await store.LastEvaluationsAsync(organisationId, projectId, cancellationToken);
    }

    /// <summary>Sums a query's range in parts, each read from the coarsest window it is whole windows of (see <see cref="UsageRanges"/>).</summary>
    private async Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var finest = UsageWindows.All.Where(w => query.From >= clock.GetUtcNow() - store.Retention(w)).DefaultIfEmpty(UsageWindow.OneDay).First();
        var sums = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (window, from, to) in UsageRanges.Split(query.From, query.To, finest))
        {
            foreach (var total in await store.TotalsAsync(query with { Window = window, From = from, To = to }, cancellationToken))
            {
                sums[total.Key] = sums.GetValueOrDefault(total.Key) + total.Count;
            }
        }

        return sums.Select(s => new UsageTotal(s.Key, s.Value)).OrderByDescending(s => s.Count).ThenBy(s => s.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>A project's usage to those who see the project; an organisation's to those who see all its projects (its Owners).</summary>
    private async Task RequireReadAsync(int organisationId, int? projectId, CancellationToken cancellationToken)
    {
        var rights = await access.RightsAsync(cancellationToken);
        var allowed = projectId is { } project
            ? rights.Allows(Permission.Read, new ResourceScope(organisationId, project))
            : rights.IsOwner(organisationId);
        if (!allowed)
        {
            throw new ForbiddenException(projectId is null ? "Organisation" : "Project", projectId ?? organisationId, Permission.Read, canRead: false);
        }
    }

    private sealed record Scope(int? ProjectId, int? EnvironmentId, int? FeatureId, string? FeatureName);

    private static async Task<Scope> ScopeAsync(FlagDashboardDbContext db, int organisation, UsageMetric metric, UsageScope scope, int? id, int? environmentId, CancellationToken cancellationToken)
    {
        switch (scope)
        {
            case UsageScope.Organisation:
                return new Scope(null, null, null, null);
            case UsageScope.Project:
                return new Scope(await ProjectOfOrganisationAsync(db, organisation, id, cancellationToken), null, null, null);
            case UsageScope.Environment:
                var environment = await EnvironmentOfOrganisationAsync(db, organisation, id, "id", cancellationToken);
                return new Scope(environment.ProjectId, environment.Id, null, null);
        }

        if (metric != UsageMetric.FlagEvaluations)
        {
            throw new ValidationException("scope", "A feature scope is for the flag_evaluations metric.");
        }

        var feature = await db.Features.AsNoTracking().Where(f => f.Id == id && f.Project!.OrganisationId == organisation)
            .Select(f => new { f.Id, f.Name, f.ProjectId }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new ValidationException("id", $"Feature {id} is not in this organisation.");
        if (environmentId is null)
        {
            return new Scope(feature.ProjectId, null, feature.Id, feature.Name);
        }

        var found = await EnvironmentOfOrganisationAsync(db, organisation, environmentId, "environment", cancellationToken);
        if (found.ProjectId != feature.ProjectId)
        {
            throw new ValidationException("environment", $"Environment {environmentId} is not in the feature's project.");
        }

        return new Scope(feature.ProjectId, found.Id, feature.Id, feature.Name);
    }

    private static async Task<Dictionary<string, string>> FeatureNamesAsync(FlagDashboardDbContext db, int organisationId, int? projectId, CancellationToken cancellationToken)
    {
        var features = db.Features.AsNoTracking().Where(f => f.Project!.OrganisationId == organisationId);
        if (projectId is { } project)
        {
            features = features.Where(f => f.ProjectId == project);
        }

        return await features.ToDictionaryAsync(f => f.Id.ToString(CultureInfo.InvariantCulture), f => f.Name, StringComparer.Ordinal, cancellationToken);
    }

    /// <summary>
    /// Stores key evaluations by feature id; the chart shows today's names. A key that is not a known id is
    /// a name (InfluxDB data written before ids) or a deleted feature's id, kept as it is; lines that end up
    /// with the same name are added together.
    /// </summary>
    private static IReadOnlyList<UsageLine> NameFeatures(IReadOnlyList<UsageLine> lines, Dictionary<string, string> names) =>
        lines.GroupBy(line => names.GetValueOrDefault(line.Key, line.Key), StringComparer.Ordinal)
            .Select(group => group.Count() == 1
                ? group.First() with { Key = group.Key }
                : new UsageLine(group.Key, group.First().Points.Select((point, i) => point with { Count = group.Sum(l => l.Points[i].Count) }).ToList()))
            .OrderByDescending(line => line.Total)
            .ThenBy(line => line.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>Checks a range: in order, not empty, within what the longest-kept window holds, not far in the future.</summary>
    public void Validate(DateTimeOffset from, DateTimeOffset to)
    {
        var now = clock.GetUtcNow();
        if (to <= from)
        {
            throw new ValidationException("to", "'to' must be after 'from'.");
        }

        var longest = UsageWindows.All.Max(store.Retention);
        if (from < now - longest - TimeSpan.FromDays(1))
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
            ? grouping is UsageGrouping.None or UsageGrouping.Resource or UsageGrouping.Status or UsageGrouping.Environment or UsageGrouping.Project
            : grouping is UsageGrouping.None or UsageGrouping.Feature or UsageGrouping.Environment or UsageGrouping.Project;
        if (!fits)
        {
            throw new ValidationException("group", metric == UsageMetric.ApiCalls
                ? "API calls are grouped by resource, status, environment, project or none."
                : "Flag evaluations are grouped by feature, environment, project or none.");
        }
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
