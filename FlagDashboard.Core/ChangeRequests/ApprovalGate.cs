using FlagDashboard.Core.Access;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Versions;

namespace FlagDashboard.Core.ChangeRequests;

/// <summary>
/// Where a state change meets an environment that requires approvals: instead of going live, the change is
/// saved as a change request holding the live states with the change applied.
/// </summary>
internal static class ApprovalGate
{
    /// <summary>
    /// Returns when the environment needs no approval. Otherwise opens the request, commits the caller's
    /// transaction and throws <see cref="ChangeRequestOpenedException"/>. Call it before changing tracked entities.
    /// </summary>
    public static async Task ProposeIfRequiredAsync(
        FlagDashboardDbContext db,
        ProjectEnvironment environment,
        int featureId,
        string title,
        Func<StatesSnapshot, StatesSnapshot> change,
        AccessSubject author,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        if (environment.RequiredApprovals == 0)
        {
            return;
        }

        var live = await FeatureVersionService.SnapshotAsync(db, featureId, environment.Id, cancellationToken) ?? throw new NotFoundException("Feature", featureId);
        var id = await ChangeRequestService.OpenAsync(db, featureId, environment.Id, new ChangeRequestInput(title, null, change(live), null), author, clock, cancellationToken);
        if (db.Database.CurrentTransaction is { } transaction)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        throw new ChangeRequestOpenedException(id, environment.Name, environment.RequiredApprovals);
    }

    public static StatesSnapshot WithOverride(StatesSnapshot states, int segmentId, Func<SegmentOverrideSnapshot, SegmentOverrideSnapshot> change) =>
        states with { SegmentOverrides = states.SegmentOverrides.Select(o => o.SegmentId == segmentId ? change(o) : o).ToList() };
}
