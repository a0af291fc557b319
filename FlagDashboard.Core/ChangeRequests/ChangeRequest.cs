using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.ChangeRequests;

public enum ChangeRequestStatus
{
    Open,
    Committed,
    Closed,

    /// <summary>Approved (or needing no approval) and waiting for <see cref="ChangeRequest.ScheduledFor"/>.</summary>
    Scheduled,

    /// <summary>Was scheduled, but the feature changed after it was made: not applied; rebase or close it.</summary>
    Conflict,
}

/// <summary>
/// A proposed change of a feature's states in an environment that requires approvals: the whole proposed
/// states (as a version holds them) and the version they were made against.
/// </summary>
public sealed class ChangeRequest : IVersioned
{
    public int Id { get; set; }

    public int FeatureId { get; set; }

    public Feature? Feature { get; set; }

    public int EnvironmentId { get; set; }

    public ProjectEnvironment? Environment { get; set; }

    public required string Title { get; set; }

    public string? Description { get; set; }

    /// <summary>Who opened it, by name, and as the subject key that tells them apart from approvers (<see cref="ChangeRequestService.SubjectKey"/>).</summary>
    public required string Author { get; set; }

    public required string AuthorKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>The live version the proposal was made against; null when the feature had no history yet.</summary>
    public int? BaseVersion { get; set; }

    /// <summary>The proposed states as JSON (<see cref="Versions.StatesSnapshot"/>).</summary>
    public required string Proposed { get; set; }

    public ChangeRequestStatus Status { get; set; }

    /// <summary>The e-mail addresses (or names) of the people asked to review.</summary>
    public List<string> Reviewers { get; set; } = [];

    public string? ClosedBy { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>The version the commit made live.</summary>
    public int? CommittedVersion { get; set; }

    /// <summary>When the change is to go live (UTC); with <see cref="ChangeRequestStatus.Scheduled"/> the scheduler commits it then.</summary>
    public DateTimeOffset? ScheduledFor { get; set; }

    /// <summary>Who scheduled it: the actor of the commit the scheduler makes.</summary>
    public string? ScheduledBy { get; set; }

    public int Version { get; set; }

    public List<ChangeRequestApproval> Approvals { get; set; } = [];
}

/// <summary>One person's approval; an approval of the author's own request is refused.</summary>
public sealed class ChangeRequestApproval
{
    public int Id { get; set; }

    public int ChangeRequestId { get; set; }

    public ChangeRequest? ChangeRequest { get; set; }

    public required string Approver { get; set; }

    public required string ApproverKey { get; set; }

    public DateTimeOffset At { get; set; }
}
