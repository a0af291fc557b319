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

    /// <summary>
    /// Checks every organisation with an allowance (or still serving defaults only); answers the thresholds
    /// this call recorded. Also decides, for each, whether its SDKs are served defaults only (<see cref="OverLimit"/>).
    /// </summary>
    public async Task<IReadOnlyList<ReachedThreshold>> CheckAsync(CancellationToken cancellationToken = default)
    {
        List<Limits> organisations;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            organisations = await LimitsOf(db.Organisations.Where(o => o.MonthlyApiCallAllowance != null || o.ServingDefaultsSince != null)).ToListAsync(cancellationToken);
        }

        var reached = new List<ReachedThreshold>();
        foreach (var organisation in organisations)
        {
            var period = UsagePeriod.Containing(clock.GetUtcNow(), organisation.BillingDay);
            var total = organisation.Allowance is null ? 0 : await PeriodTotalAsync(organisation.Id, period, cancellationToken);
            if (organisation.Allowance is { } allowance)
            {
                reached.AddRange(await RecordThresholdsAsync(organisation.Id, organisation.Name, allowance, period, total, cancellationToken));
            }

            await ApplyOverLimitAsync(organisation, period, total, cancellationToken);
        }

        return reached;
    }

    /// <summary>Decides again for one organisation whether its SDKs get defaults only: after its settings changed.</summary>
    public async Task DecideOverLimitAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        Limits? organisation;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            organisation = await LimitsOf(db.Organisations.Where(o => o.Id == organisationId)).SingleOrDefaultAsync(cancellationToken);
        }

        if (organisation is null)
        {
            return;
        }

        var period = UsagePeriod.Containing(clock.GetUtcNow(), organisation.BillingDay);
        var total = organisation.Allowance is null || organisation.Behaviour == OverLimitBehaviour.KeepServing ? 0 : await PeriodTotalAsync(organisation.Id, period, cancellationToken);
        await ApplyOverLimitAsync(organisation, period, total, cancellationToken);
    }

    /// <summary>The organisation's API calls in the billing period now, summed by the store.</summary>
    public async Task<long> PeriodTotalAsync(int organisationId, UsagePeriod period, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return now <= period.From ? 0 : await _usage.TotalAsync(organisationId, UsageMetric.ApiCalls, null, null, period.From, now, cancellationToken);
    }

    private sealed record Limits(int Id, string Name, long? Allowance, int BillingDay, OverLimitBehaviour Behaviour, int GraceDays, DateTimeOffset? ServingDefaultsSince);

    private static IQueryable<Limits> LimitsOf(IQueryable<Organisation> organisations) =>
        organisations.AsNoTracking().Select(o => new Limits(o.Id, o.Name, o.MonthlyApiCallAllowance, o.BillingDay, o.OverLimitBehaviour, o.OverLimitGraceDays, o.ServingDefaultsSince));

    private async Task<List<ReachedThreshold>> RecordThresholdsAsync(int organisationId, string name, long allowance, UsagePeriod period, long total, CancellationToken cancellationToken)
    {
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

    /// <summary>
    /// Serves the organisation's SDKs defaults only, or flags as configured again, when the decision differs
    /// from the stored state: the state and the stamp of every environment of the organisation change in one
    /// transaction, so each instance rebuilds its SDK answers as for a flag change. The update is conditional
    /// on the old state, so when several instances decide at once one of them makes the change.
    /// </summary>
    private async Task ApplyOverLimitAsync(Limits organisation, UsagePeriod period, long total, CancellationToken cancellationToken)
    {
        if (organisation is { Behaviour: OverLimitBehaviour.KeepServing, ServingDefaultsSince: null })
        {
            // The usual case: nothing to decide, no query.
            return;
        }

        DateTimeOffset? fullAllowanceReachedAt = null;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (organisation is { Behaviour: OverLimitBehaviour.ServeDefaultsOnly, Allowance: not null })
        {
            fullAllowanceReachedAt = await db.UsageAlerts.AsNoTracking()
                .Where(a => a.OrganisationId == organisation.Id && a.PeriodStart == period.From && a.Threshold == 100)
                .Select(a => (DateTimeOffset?)a.ReachedAt).SingleOrDefaultAsync(cancellationToken);
        }

        var servesDefaults = OverLimit.ServesDefaultsOnly(organisation.Behaviour, organisation.GraceDays, organisation.Allowance, fullAllowanceReachedAt, total, clock.GetUtcNow());
        if (servesDefaults == organisation.ServingDefaultsSince is not null)
        {
            return;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        DateTimeOffset? since = servesDefaults ? now : null;
        var changed = await db.Organisations
            .Where(o => o.Id == organisation.Id && (o.ServingDefaultsSince == null) == servesDefaults)
            .ExecuteUpdateAsync(set => set.SetProperty(o => o.ServingDefaultsSince, since), cancellationToken);
        if (changed == 0)
        {
            return;
        }

        AuditTrail.Record(db, Actor, clock, new AuditChange(AuditAction.Updated, nameof(Organisation), organisation.Id, organisation.Name, new AuditScope(organisation.Id))
        {
            Before = new { ServingDefaultsOnly = !servesDefaults },
            After = new { ServingDefaultsOnly = servesDefaults, Behaviour = organisation.Behaviour.ToString(), organisation.GraceDays, organisation.Allowance, PeriodTotal = total, FullAllowanceReachedAt = fullAllowanceReachedAt?.UtcDateTime },
        });
        await db.SaveChangesAsync(cancellationToken);
        await db.Environments.Where(e => e.Project!.OrganisationId == organisation.Id)
            .ExecuteUpdateAsync(set => set.SetProperty(e => e.DocumentUpdatedAt, now), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
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
