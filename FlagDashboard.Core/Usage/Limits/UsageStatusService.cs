using FlagDashboard.Core.Access;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage.Limits;

/// <summary>An organisation past its first alert threshold this period: what the dashboard's banner says.</summary>
public sealed record UsageStatus(int OrganisationId, string OrganisationName, long Total, long Allowance, int Threshold)
{
    /// <summary>Past the grace period with <see cref="OverLimitBehaviour.ServeDefaultsOnly"/>: SDKs get the features' defaults.</summary>
    public bool ServingDefaultsOnly { get; init; }

    public double Percent => Allowance == 0 ? 0 : Total * 100.0 / Allowance;
}

/// <summary>For the dashboard's banner: the subject's organisations whose alerts fired this period.</summary>
public sealed class UsageStatusService(IDbContextFactory<FlagDashboardDbContext> dbFactory, AccessControl access, UsageAlertChecker checker, TimeProvider clock)
{
    /// <summary>
    /// Those of the subject's organisations with an alert recorded this period (the checker's rows, so an
    /// organisation below 75 % costs no usage query), each with its current total.
    /// </summary>
    public async Task<IReadOnlyList<UsageStatus>> PastFirstThresholdAsync(CancellationToken cancellationToken = default)
    {
        var rights = await access.RightsAsync(cancellationToken);
        var member = rights.Organisations;
        if (member is { Count: 0 })
        {
            return [];
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organisations = await db.Organisations.AsNoTracking()
            .Where(o => o.MonthlyApiCallAllowance != null && (member == null || member.Contains(o.Id)))
            .Select(o => new { o.Id, o.Name, Allowance = o.MonthlyApiCallAllowance!.Value, o.BillingDay, o.ServingDefaultsSince })
            .ToListAsync(cancellationToken);
        var statuses = new List<UsageStatus>();
        foreach (var organisation in organisations.OrderBy(o => o.Name, StringComparer.Ordinal))
        {
            var period = UsagePeriod.Containing(clock.GetUtcNow(), organisation.BillingDay);
            var threshold = await db.UsageAlerts.AsNoTracking().Where(a => a.OrganisationId == organisation.Id && a.PeriodStart == period.From)
                .MaxAsync(a => (int?)a.Threshold, cancellationToken);
            if (threshold is { } reached)
            {
                var total = await checker.PeriodTotalAsync(organisation.Id, period, cancellationToken);
                statuses.Add(new UsageStatus(organisation.Id, organisation.Name, total, organisation.Allowance, reached) { ServingDefaultsOnly = organisation.ServingDefaultsSince is not null });
            }
        }

        return statuses;
    }
}
