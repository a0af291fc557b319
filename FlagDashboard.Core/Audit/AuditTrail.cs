using System.Text.Json;
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
            Actor = actor,
            Action = action,
            EntityType = entityType,
            EntityId = Convert.ToString(entityId, System.Globalization.CultureInfo.InvariantCulture) ?? "",
            EntityName = entityName,
            OrganisationId = scope.OrganisationId,
            ProjectId = scope.ProjectId,
            EnvironmentId = scope.EnvironmentId,
            Before = before is null ? null : JsonSerializer.Serialize(before, JsonOptions.Web),
            After = after is null ? null : JsonSerializer.Serialize(after, JsonOptions.Web),
        });
    }
}
