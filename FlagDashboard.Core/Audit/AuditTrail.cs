using System.Text.Json;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Webhooks;

namespace FlagDashboard.Core.Audit;

/// <summary>Where a change happened, for filtering the audit log.</summary>
public readonly record struct AuditScope(int? OrganisationId, int? ProjectId = null, int? EnvironmentId = null);

/// <summary>
/// One change to record: what was done to which entity, where, and the entity before and after as snapshots
/// (plain objects, no navigations). <see cref="WebhookEvent"/> says what webhook receivers are told of it:
/// the service that makes the change decides, not the audit text.
/// </summary>
public sealed record AuditChange(AuditAction Action, string EntityType, object EntityId, string EntityName, AuditScope Scope)
{
    public object? Before { get; init; }

    public object? After { get; init; }

    public WebhookEventKind? WebhookEvent { get; init; }
}

public static class AuditTrail
{
    /// <summary>Adds an audit entry to the context, so it is saved in the same transaction as the change it describes.</summary>
    public static void Record(FlagDashboardDbContext db, string actor, TimeProvider clock, AuditChange change)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(),
            Actor = Fit(actor, FieldLimits.Name),
            Action = change.Action,
            EntityType = change.EntityType,
            EntityId = Fit(Convert.ToString(change.EntityId, System.Globalization.CultureInfo.InvariantCulture) ?? "", FieldLimits.TraitKey + 20),
            EntityName = Fit(change.EntityName, FieldLimits.Identifier),
            OrganisationId = change.Scope.OrganisationId,
            ProjectId = change.Scope.ProjectId,
            EnvironmentId = change.Scope.EnvironmentId,
            Before = change.Before is null ? null : JsonSerializer.Serialize(change.Before, JsonOptions.Web),
            After = change.After is null ? null : JsonSerializer.Serialize(change.After, JsonOptions.Web),
            WebhookEvent = change.WebhookEvent,
        });
    }

    // Names built from several parts ("feature for identifier", "api-key:name") can pass a column's length; PostgreSQL
    // would refuse the whole change for it, so the audit entry keeps the start of the name instead.
    private static string Fit(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
