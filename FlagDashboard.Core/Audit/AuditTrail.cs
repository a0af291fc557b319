using System.Text.Json;
using FlagDashboard.Core;
using FlagDashboard.Core.Data;

namespace FlagDashboard.Core.Audit;

/// <summary>Where a change happened, for filtering the audit log.</summary>
public readonly record struct AuditScope(int? OrganisationId, int? ProjectId = null, int? EnvironmentId = null);

public static class AuditTrail
{
    /// <summary>
    /// Adds an audit entry to the context, so it is saved in the same transaction as the change it describes.
    /// <paramref name="before"/> and <paramref name="after"/> are snapshots (plain objects, no navigations).
    /// </summary>
    public static void Record(
        FlagDashboardDbContext db,
        string actor,
        AuditAction action,
        string entityType,
        object entityId,
        string entityName,
        AuditScope scope,
        object? before,
        object? after,
        TimeProvider? clock = null)
    {
        db.AuditEntries.Add(new AuditEntry
        {
            At = (clock ?? TimeProvider.System).GetUtcNow(),
            Actor = Fit(actor, FieldLimits.Name),
            Action = action,
            EntityType = entityType,
            EntityId = Fit(Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? "", FieldLimits.TraitKey + 20),
            EntityName = Fit(entityName, FieldLimits.Identifier),
            OrganisationId = scope.OrganisationId,
            ProjectId = scope.ProjectId,
            EnvironmentId = scope.EnvironmentId,
            Before = before is null ? null : JsonSerializer.Serialize(before, JsonOptions.Web),
            After = after is null ? null : JsonSerializer.Serialize(after, JsonOptions.Web),
        });
    }

    // Names built from several parts ("feature for identifier", "api-key:name") can pass a column's length; PostgreSQL
    // would refuse the whole change for it, so the audit entry keeps the start of the name instead.
    private static string Fit(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
