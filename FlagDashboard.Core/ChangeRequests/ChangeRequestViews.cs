using FlagDashboard.Core.Versions;

namespace FlagDashboard.Core.ChangeRequests;

/// <summary>
/// What a person proposes: a title, why, the states they want live, who should review, and optionally when it
/// is to go live (a future UTC instant; where no approval is needed, the request is scheduled at once).
/// </summary>
public sealed record ChangeRequestInput(string Title, string? Description, StatesSnapshot Proposed, int? BaseVersion, IReadOnlyList<string>? Reviewers = null, DateTimeOffset? ScheduledFor = null);

public sealed record ChangeRequestSummary(
    int Id, int FeatureId, string FeatureName, int EnvironmentId, string Title, string Author, DateTimeOffset CreatedAt,
    ChangeRequestStatus Status, int Approvals, int RequiredApprovals, bool HasConflict, int Version, DateTimeOffset? ScheduledFor = null)
{
    /// <summary>Not committed or closed yet: open, scheduled, or a schedule flagged as a conflict.</summary>
    public bool IsPending => Status is ChangeRequestStatus.Open or ChangeRequestStatus.Scheduled or ChangeRequestStatus.Conflict;
}

/// <summary>A change request with what it proposes and what is live now, for the request page.</summary>
public sealed record ChangeRequestDetail(
    ChangeRequestSummary Summary,
    string? Description,
    IReadOnlyList<string> Reviewers,
    IReadOnlyList<ApprovalView> Approvals,
    int? BaseVersion,
    int? LiveVersion,
    StatesSnapshot Proposed,
    StatesSnapshot? Live,
    string? ClosedBy,
    DateTimeOffset? ClosedAt,
    int? CommittedVersion)
{
    /// <summary>Someone changed the feature here since the request was made: it must be rebased before it can be committed.</summary>
    public bool HasConflict => Summary.HasConflict;

    public bool CanBeCommitted => Summary.Status == ChangeRequestStatus.Open && !HasConflict && Summary.Approvals >= Summary.RequiredApprovals;
}

public sealed record ApprovalView(string Approver, DateTimeOffset At);
