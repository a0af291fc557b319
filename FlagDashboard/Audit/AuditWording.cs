using System.Text.Json.Nodes;
using FlagDashboard.Core.Audit;

namespace FlagDashboard.Audit;

/// <summary>An audit entry in the dashboard's words ("Archived feature", "Switched on flag"), not the stored type names.</summary>
public static class AuditWording
{
    private static readonly Dictionary<string, string> Nouns = new(StringComparer.Ordinal)
    {
        ["FeatureState"] = "flag",
        ["Feature"] = "feature",
        ["Segment"] = "segment",
        ["SegmentOverride"] = "segment override",
        ["IdentityOverride"] = "identity override",
        ["Identity"] = "identity",
        ["Trait"] = "trait",
        ["Environment"] = "environment",
        ["Project"] = "project",
        ["Organisation"] = "organisation",
        ["Webhook"] = "webhook",
        ["ServerSideKey"] = "server-side key",
        ["AdminApiKey"] = "admin API key",
        ["OrganisationMember"] = "member",
        ["AccessGroup"] = "group",
        ["ProjectRoleGrant"] = "project role",
        ["Invitation"] = "invitation",
        ["Password"] = "password",
        ["FeatureVersion"] = "feature version",
        ["ChangeRequest"] = "change request",
        ["UsageAlert"] = "usage alert",
    };

    public static string Noun(string entityType) => Nouns.TryGetValue(entityType, out var noun) ? noun : entityType;

    public static string Describe(AuditEntry entry)
    {
        var noun = Noun(entry.EntityType);
        if (entry.Action != AuditAction.Updated)
        {
            return $"{entry.Action} {noun}";
        }

        var before = Parse(entry.Before);
        var after = Parse(entry.After);
        if (Changed(before, after, "isArchived") is { } archived)
        {
            return $"{(archived ? "Archived" : "Unarchived")} {noun}";
        }

        if (Changed(before, after, "revoked") is true)
        {
            return $"Revoked {noun}";
        }

        if (Changed(before, after, "enabled") is { } enabled)
        {
            return $"Switched {(enabled ? "on" : "off")} {noun}";
        }

        return $"Changed {noun}";
    }

    private static JsonObject? Parse(string? json)
    {
        try
        {
            return json is null ? null : JsonNode.Parse(json) as JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>The new value of a boolean field that changed, or null when it did not.</summary>
    private static bool? Changed(JsonObject? before, JsonObject? after, string field) =>
        before?[field] is JsonValue old && after?[field] is JsonValue now
        && old.TryGetValue<bool>(out var was) && now.TryGetValue<bool>(out var @is) && was != @is
            ? @is
            : null;
}
