using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage.Limits;

/// <summary>
/// An organisation's monthly API-call allowance (null: none), the day its billing periods start, what SDKs get
/// once it is over the allowance past the grace period, and since when they get only defaults (null: they do not).
/// </summary>
public sealed record UsageAllowance(int OrganisationId, long? MonthlyApiCalls, int BillingDay, int Version)
{
    public OverLimitBehaviour OverLimitBehaviour { get; init; }

    public int OverLimitGraceDays { get; init; } = OverLimit.DefaultGraceDays;

    public DateTimeOffset? ServingDefaultsSince { get; init; }
}

/// <summary>The allowance settings to save; a null over-limit setting keeps the current one.</summary>
public sealed record UsageAllowanceInput(long? MonthlyApiCalls, int BillingDay, OverLimitBehaviour? OverLimitBehaviour = null, int? OverLimitGraceDays = null);

/// <summary>
/// Reads and sets the allowance on the organisation: its members may read it, its Owners change it. A change
/// is applied to SDK answers at once (the checker decides again), not at the next timed check.
/// </summary>
public sealed class UsageAllowanceService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, UsageAlertChecker checker, TimeProvider clock)
{
    private const string Entity = "Organisation";

    /// <summary>The largest allowance accepted: far past any real traffic, well inside a 64-bit count.</summary>
    public const long MaxAllowance = 1_000_000_000_000_000;

    public async Task<UsageAllowance> GetAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId)
            .Select(o => new UsageAllowance(o.Id, o.MonthlyApiCallAllowance, o.BillingDay, o.Version)
            {
                OverLimitBehaviour = o.OverLimitBehaviour,
                OverLimitGraceDays = o.OverLimitGraceDays,
                ServingDefaultsSince = o.ServingDefaultsSince,
            }).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(Entity, organisationId);
    }

    public async Task<UsageAllowance> SetAsync(int organisationId, UsageAllowanceInput input, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        new Validation()
            .Check(input.MonthlyApiCalls is null or (>= 1 and <= MaxAllowance), "monthlyApiCallAllowance", $"The allowance is a whole number of API calls from 1 to {MaxAllowance}, or none.")
            .Check(input.BillingDay is >= UsagePeriod.FirstBillingDay and <= UsagePeriod.LastBillingDay, "billingDay", $"The billing day is a day of the month from {UsagePeriod.FirstBillingDay} to {UsagePeriod.LastBillingDay}.")
            .Check(input.OverLimitBehaviour is null || Enum.IsDefined(input.OverLimitBehaviour.Value), "overLimitBehaviour", $"The behaviour over the limit is {nameof(OverLimitBehaviour.KeepServing)} or {nameof(OverLimitBehaviour.ServeDefaultsOnly)}.")
            .Check(input.OverLimitGraceDays is null or (>= 0 and <= OverLimit.MaxGraceDays), "overLimitGraceDays", $"The grace period is a whole number of days from 0 to {OverLimit.MaxGraceDays}.")
            .ThrowIfInvalid();
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Id == organisationId, cancellationToken) ?? throw new NotFoundException(Entity, organisationId);
            var before = Snapshot(organisation);
            db.ExpectVersion(organisation, expectedVersion);
            organisation.MonthlyApiCallAllowance = input.MonthlyApiCalls;
            organisation.BillingDay = input.BillingDay;
            organisation.OverLimitBehaviour = input.OverLimitBehaviour ?? organisation.OverLimitBehaviour;
            organisation.OverLimitGraceDays = input.OverLimitGraceDays ?? organisation.OverLimitGraceDays;
            AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, organisationId, organisation.Name, new AuditScope(organisationId))
            {
                Before = before,
                After = Snapshot(organisation),
            });
            await db.SaveOrConflictAsync(Entity, organisationId, cancellationToken);
        }

        // A raised allowance or KeepServing serves flags again now; a lowered one or ServeDefaultsOnly may restrict now.
        await checker.DecideOverLimitAsync(organisationId, cancellationToken);
        return await GetAsync(organisationId, cancellationToken);
    }

    private static object Snapshot(Organisation o) => new { o.Id, o.Name, o.MonthlyApiCallAllowance, o.BillingDay, OverLimitBehaviour = o.OverLimitBehaviour.ToString(), o.OverLimitGraceDays };
}
