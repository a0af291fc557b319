using System.Globalization;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage;

/// <summary>A project's API calls in a period; no id for calls whose key matched no environment.</summary>
public sealed record ProjectCalls(int? ProjectId, string Name, long ApiCalls);

/// <summary>An environment's API calls in a period; no ids for calls whose key matched no environment.</summary>
public sealed record EnvironmentCalls(int? EnvironmentId, string Name, int? ProjectId, string ProjectName, long ApiCalls);

/// <summary>The API calls of one period of the trend (the current one up to now).</summary>
public sealed record PeriodCalls(DateTimeOffset From, DateTimeOffset To, long ApiCalls);

/// <summary>A feature's evaluations in a period; no id when the store holds a name or the id of a deleted feature.</summary>
public sealed record FlagEvaluations(int? FeatureId, string Name, int? ProjectId, string? ProjectName, long Evaluations);

/// <summary>
/// An organisation's usage in one period (<see cref="UsagePeriod"/>), counted up to <see cref="AsOf"/>: the API
/// calls in all, by project and by environment (each adds up to <see cref="ApiCalls"/>), the calls of the last
/// <see cref="OrganisationUsageService.TrendPeriods"/> periods, and the most evaluated flags. The period starts on the
/// organisation's billing day; <see cref="Allowance"/> is its monthly API-call allowance, if it has one.
/// </summary>
public sealed record OrganisationUsage(
    int OrganisationId,
    string OrganisationName,
    DateTimeOffset From,
    DateTimeOffset To,
    DateTimeOffset AsOf,
    long ApiCalls,
    long? Allowance,
    IReadOnlyList<ProjectCalls> Projects,
    IReadOnlyList<EnvironmentCalls> Environments,
    IReadOnlyList<PeriodCalls> Trend,
    IReadOnlyList<FlagEvaluations> TopFlags);

/// <summary>An organisation's usage page and <c>/api/usage/organisation</c>: every number is a sum done by the usage store.</summary>
public sealed class OrganisationUsageService(UsageQueryService usage, IDbContextFactory<FlagDashboardDbContext> dbFactory, TimeProvider clock)
{
    public const int TrendPeriods = 12;

    public const int TopFlagCount = 10;

    /// <summary>The period containing <paramref name="at"/> (now when not given); to the organisation's Owners.</summary>
    public async Task<OrganisationUsage> ForPeriodAsync(int organisationId, DateTimeOffset? at = null, CancellationToken cancellationToken = default)
    {
        await usage.RequireOrganisationReadAsync(organisationId, cancellationToken);
        var now = clock.GetUtcNow();
        if (at > now)
        {
            throw new ValidationException("at", "The period is in the future; no usage is recorded there yet.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organisation = await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId)
            .Select(o => new { o.Name, o.BillingDay, o.MonthlyApiCallAllowance }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException("Organisation", organisationId);
        var period = UsagePeriod.Containing(at ?? now, organisation.BillingDay);
        if (period.To <= usage.OldestKept)
        {
            throw new ValidationException("at", $"Usage is kept since {usage.OldestKept:yyyy-MM-dd}; this period is older.");
        }

        var asOf = Min(period.To, now);
        var total = await TotalsAsync(organisationId, UsageMetric.ApiCalls, UsageGrouping.None, period, asOf, cancellationToken);
        var byProject = await TotalsAsync(organisationId, UsageMetric.ApiCalls, UsageGrouping.Project, period, asOf, cancellationToken);
        var byEnvironment = await TotalsAsync(organisationId, UsageMetric.ApiCalls, UsageGrouping.Environment, period, asOf, cancellationToken);
        var byFeature = await TotalsAsync(organisationId, UsageMetric.FlagEvaluations, UsageGrouping.Feature, period, asOf, cancellationToken);
        var trend = new List<PeriodCalls>(TrendPeriods);
        foreach (var past in period.Trailing(TrendPeriods))
        {
            var calls = past == period ? total : await TotalsAsync(organisationId, UsageMetric.ApiCalls, UsageGrouping.None, past, Min(past.To, now), cancellationToken);
            trend.Add(new PeriodCalls(past.From, past.To, calls.Sum(t => t.Count)));
        }

        var projects = await db.Projects.AsNoTracking().Where(p => p.OrganisationId == organisationId)
            .ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var environments = await db.Environments.AsNoTracking().Where(e => e.Project!.OrganisationId == organisationId)
            .ToDictionaryAsync(e => e.Id, e => new { e.Name, e.ProjectId }, cancellationToken);
        var features = await db.Features.AsNoTracking().Where(f => f.Project!.OrganisationId == organisationId)
            .ToDictionaryAsync(f => f.Id, f => new { f.Name, f.ProjectId }, cancellationToken);

        return new OrganisationUsage(
            organisationId, organisation.Name, period.From, period.To, asOf, total.Sum(t => t.Count), organisation.MonthlyApiCallAllowance,
            [.. byProject.Select(t => Id(t.Key) is { } id
                ? new ProjectCalls(id, projects.GetValueOrDefault(id) ?? $"Deleted project {id}", t.Count)
                : new ProjectCalls(null, UnknownKey, t.Count))],
            [.. byEnvironment.Select(t => Id(t.Key) is { } id && environments.TryGetValue(id, out var environment)
                ? new EnvironmentCalls(id, environment.Name, environment.ProjectId, projects.GetValueOrDefault(environment.ProjectId) ?? "", t.Count)
                : new EnvironmentCalls(Id(t.Key), Id(t.Key) is { } deleted ? $"Deleted environment {deleted}" : UnknownKey, null, "", t.Count))],
            trend,
            [.. byFeature.Take(TopFlagCount).Select(t => Id(t.Key) is { } id && features.TryGetValue(id, out var feature)
                ? new FlagEvaluations(id, feature.Name, feature.ProjectId, projects.GetValueOrDefault(feature.ProjectId), t.Count)
                : new FlagEvaluations(null, t.Key, null, null, t.Count))]);
    }

    /// <summary>What calls with a key that matched no environment are listed as.</summary>
    public const string UnknownKey = "Unknown key";

    private async Task<IReadOnlyList<UsageTotal>> TotalsAsync(int organisationId, UsageMetric metric, UsageGrouping grouping, UsagePeriod period, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var from = Max(period.From, usage.OldestKept);
        return to > from ? await usage.OrganisationTotalsAsync(organisationId, metric, grouping, from, to, cancellationToken) : [];
    }

    private static int? Id(string key) => int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0 ? id : null;

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
}
