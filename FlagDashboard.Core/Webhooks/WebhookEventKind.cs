namespace FlagDashboard.Core.Webhooks;

/// <summary>
/// The events webhooks are sent, declared by the service that makes the change on its audit record
/// (<see cref="Audit.AuditChange.WebhookEvent"/>). A change in an environment goes to that environment's
/// webhooks; a change with only a project in scope (a feature created or deleted) to every environment's of
/// the project.
/// </summary>
public enum WebhookEventKind
{
    /// <summary>A flag's state in an environment changed: Flagsmith's <c>FLAG_UPDATED</c>, or <c>FLAG_DELETED</c> when nothing is left after it.</summary>
    FlagChanged,

    /// <summary>A change request was opened in the environment: <c>CHANGE_REQUEST_CREATED</c>.</summary>
    ChangeRequestCreated,

    /// <summary>A change request was approved by one more person: <c>CHANGE_REQUEST_APPROVED</c>.</summary>
    ChangeRequestApproved,

    /// <summary>A change request went live: <c>CHANGE_REQUEST_COMMITTED</c>.</summary>
    ChangeRequestCommitted,

    /// <summary>
    /// An organisation's API calls reached a threshold of its allowance in a billing period:
    /// <c>USAGE_THRESHOLD_REACHED</c>, to the organisation's own webhooks.
    /// </summary>
    UsageThresholdReached,
}
