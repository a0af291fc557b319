using System.Globalization;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage.Limits;

/// <summary>A threshold this check was the one to record: its event is saved; the caller may still email it.</summary>
public sealed record ReachedThreshold(int OrganisationId, string OrganisationName, UsagePeriod Period, int Threshold, long Total, long Allowance);

/// <summary>
/// Compares each organisation's API calls this billing period (summed by the usage store) with its allowance,
/// and records each threshold reached once per period: the alert row, an audit entry and the organisation's
/// webhook event in one save. Several instances may check at once; the unique index lets one insert win.
/// </summary>
public sealed class UsageAlertChecker(IDbContextFactory<FlagDashboardDbContext> dbFactory, IUsageStore store, TimeProvider clock)
{
    public const string Actor = "usage-alerts";
    private const string Entity = "UsageAlert";

    /// <summary>Percent of the allowance at which an alert goes out, in order.</summary>
    public static readonly IReadOnlyList<int> Thresholds = [75, 90, 100, 120];

    // Background work acts as the operator: it reads every organisation's usage.
    private readonly UsageQueryService _usage = new(store, dbFactory, new AccessControl(dbFactory, new FixedActor(Actor), new OrganisationOwnership(dbFactory)), clock);

    /// <summary>Checks every organisation with an allowance; answers the thresholds this call recorded.</summary>
    public async Task<IReadOnlyList<ReachedThreshold>> CheckAsync(CancellationToken cancellationToken = default)
    {
        List<(int Id, string Name, long Allowance, int BillingDay)> organisations;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            organisations = (await db.Organisations.AsNoTracking().Where(o => o.MonthlyApiCallAllowance != null)
                .Select(o => new { o.Id, o.Name, Allowance = o.MonthlyApiCallAllowance!.Value, o.BillingDay }).ToListAsync(cancellationToken))
                .Select(o => (o.Id, o.Name, o.Allowance, o.BillingDay)).ToList();
        }

        var reached = new List<ReachedThreshold>();
        foreach (var organisation in organisations)
        {
            reached.AddRange(await CheckAsync(organisation.Id, organisation.Name, organisation.Allowance, organisation.BillingDay, cancellationToken));
        }

        return reached;
    }

    /// <summary>The organisation's API calls in the billing period now, summed by the store.</summary>
    public async Task<long> PeriodTotalAsync(int organisationId, UsagePeriod period, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return now <= period.From ? 0 : await _usage.TotalAsync(organisationId, UsageMetric.ApiCalls, null, null, period.From, now, cancellationToken);
    }

    private async Task<List<ReachedThreshold>> CheckAsync(int organisationId, string name, long allowance, int billingDay, CancellationToken cancellationToken)
    {
        var period = UsagePeriod.Containing(clock.GetUtcNow(), billingDay);
        var total = await PeriodTotalAsync(organisationId, period, cancellationToken);
        var due = Thresholds.Where(t => total * 100 >= allowance * t).ToList();
        if (due.Count == 0)
        {
            return [];
        }

        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var recorded = await db.UsageAlerts.AsNoTracking().Where(a => a.OrganisationId == organisationId && a.PeriodStart == period.From)
                .Select(a => a.Threshold).ToListAsync(cancellationToken);
            due.RemoveAll(recorded.Contains);
        }

        var won = new List<ReachedThreshold>();
        foreach (var threshold in due)
        {
            var alert = new ReachedThreshold(organisationId, name, period, threshold, total, allowance);
            if (await TryRecordAsync(alert, cancellationToken))
            {
                won.Add(alert);
            }
        }

        return won;
    }

    /// <summary>Inserts the alert with its audit entry and webhook event; false when another check recorded it first.</summary>
    private async Task<bool> TryRecordAsync(ReachedThreshold alert, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.UsageAlerts.Add(new UsageAlert
        {
            OrganisationId = alert.OrganisationId,
            PeriodStart = alert.Period.From,
            Threshold = alert.Threshold,
            Total = alert.Total,
            Allowance = alert.Allowance,
            ReachedAt = clock.GetUtcNow(),
        });
        var id = string.Create(CultureInfo.InvariantCulture, $"{alert.OrganisationId}:{alert.Period.From:yyyy-MM-dd}:{alert.Threshold}");
        AuditTrail.Record(db, Actor, clock, new AuditChange(AuditAction.Created, Entity, id, alert.OrganisationName, new AuditScope(alert.OrganisationId))
        {
            After = new
            {
                PeriodStart = alert.Period.From.UtcDateTime,
                PeriodEnd = alert.Period.To.UtcDateTime,
                alert.Threshold,
                alert.Total,
                alert.Allowance,
            },
            WebhookEvent = WebhookEventKind.UsageThresholdReached,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException exception) when (DbContextExtensions.IsUniqueViolation(exception))
        {
            return false;
        }
    }

    /// <summary>The addresses of the organisation's Owners, for the alert email.</summary>
    public async Task<IReadOnlyList<string>> OwnerEmailsAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.OrganisationMembers.AsNoTracking()
            .Where(m => m.OrganisationId == organisationId && m.Role == OrganisationRole.Owner && m.User!.Email != null)
            .Select(m => m.User!.Email!).OrderBy(e => e).ToListAsync(cancellationToken);
    }
}
