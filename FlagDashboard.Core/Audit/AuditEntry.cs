using FlagDashboard.Core.Webhooks;

namespace FlagDashboard.Core.Audit;

public enum AuditAction
{
    Created,
    Updated,
    Deleted,
    Imported,
}

/// <summary>One change: who made it, when, to what, and the entity before and after as JSON.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Actor { get; set; }

    public AuditAction Action { get; set; }

    public required string EntityType { get; set; }

    public required string EntityId { get; set; }

    public required string EntityName { get; set; }

    public int? OrganisationId { get; set; }

    public int? ProjectId { get; set; }

    public int? EnvironmentId { get; set; }

    public string? Before { get; set; }

    public string? After { get; set; }

    /// <summary>What webhook receivers are told of this change while it is being saved; not stored.</summary>
    public WebhookEventKind? WebhookEvent { get; set; }
}
