using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Usage.Limits;

/// <summary>An organisation's monthly API-call allowance (null: none) and the day its billing periods start.</summary>
public sealed record UsageAllowance(int OrganisationId, long? MonthlyApiCalls, int BillingDay, int Version);

/// <summary>Reads and sets the allowance on the organisation: its members may read it, its Owners change it.</summary>
public sealed class UsageAllowanceService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Organisation";

    /// <summary>The largest allowance accepted: far past any real traffic, well inside a 64-bit count.</summary>
    public const long MaxAllowance = 1_000_000_000_000_000;

    public async Task<UsageAllowance> GetAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Organisations.AsNoTracking().Where(o => o.Id == organisationId)
            .Select(o => new UsageAllowance(o.Id, o.MonthlyApiCallAllowance, o.BillingDay, o.Version)).SingleOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException(Entity, organisationId);
    }

    public async Task<UsageAllowance> SetAsync(int organisationId, long? monthlyApiCalls, int billingDay, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        new Validation()
            .Check(monthlyApiCalls is null or (>= 1 and <= MaxAllowance), "monthlyApiCallAllowance", $"The allowance is a whole number of API calls from 1 to {MaxAllowance}, or none.")
            .Check(billingDay is >= UsagePeriod.FirstBillingDay and <= UsagePeriod.LastBillingDay, "billingDay", $"The billing day is a day of the month from {UsagePeriod.FirstBillingDay} to {UsagePeriod.LastBillingDay}.")
            .ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Id == organisationId, cancellationToken) ?? throw new NotFoundException(Entity, organisationId);
        var before = Snapshot(organisation);
        db.ExpectVersion(organisation, expectedVersion);
        organisation.MonthlyApiCallAllowance = monthlyApiCalls;
        organisation.BillingDay = billingDay;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, organisationId, organisation.Name, new AuditScope(organisationId))
        {
            Before = before,
            After = Snapshot(organisation),
        });
        await db.SaveOrConflictAsync(Entity, organisationId, cancellationToken);
        return new UsageAllowance(organisation.Id, organisation.MonthlyApiCallAllowance, organisation.BillingDay, organisation.Version);
    }

    private static object Snapshot(Organisation o) => new { o.Id, o.Name, o.MonthlyApiCallAllowance, o.BillingDay };
}
