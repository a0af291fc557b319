using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Core.Audit;

namespace FlagDashboard.Core.Webhooks;

/// <summary>What a webhook receives: Flagsmith's event shape, built from the audit entry of the change.</summary>
public static class WebhookEvents
{
    public const string SignatureHeader = "X-Flagsmith-Signature";
    public const string FlagUpdated = "FLAG_UPDATED";
    public const string FlagDeleted = "FLAG_DELETED";
    public const string UsageThresholdReached = "USAGE_THRESHOLD_REACHED";

    public static string EventType(AuditEntry entry) => entry.WebhookEvent switch
    {
        WebhookEventKind.FlagChanged => entry.After is null ? FlagDeleted : FlagUpdated,
        WebhookEventKind.ChangeRequestCreated => "CHANGE_REQUEST_CREATED",
        WebhookEventKind.ChangeRequestApproved => "CHANGE_REQUEST_APPROVED",
        WebhookEventKind.ChangeRequestCommitted => "CHANGE_REQUEST_COMMITTED",
        WebhookEventKind.UsageThresholdReached => UsageThresholdReached,
        var kind => throw new ArgumentOutOfRangeException(nameof(entry), kind, "The audit entry declares no webhook event."),
    };

    /// <param name="environmentId">The environment of the webhook: a feature created or deleted is an event in each environment of its project.</param>
    public static string Payload(AuditEntry entry, int environmentId)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event_type", EventType(entry));
            writer.WriteStartObject("data");
            writer.WriteString("changed_by", entry.Actor);
            writer.WriteString("timestamp", entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            writer.WriteString("action", entry.Action.ToString().ToLowerInvariant());
            writer.WriteString("entity_type", entry.EntityType);
            writer.WriteString("entity_id", entry.EntityId);
            writer.WriteString("entity_name", entry.EntityName);
            WriteNumberOrNull(writer, "organisation_id", entry.OrganisationId);
            WriteNumberOrNull(writer, "project_id", entry.ProjectId);
            writer.WriteNumber("environment_id", environmentId);
            writer.WritePropertyName("new_state");
            WriteRawOrNull(writer, entry.After);
            writer.WritePropertyName("previous_state");
            WriteRawOrNull(writer, entry.Before);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// An organisation's own event (it has no environment): the organisation, who and when, then the fields of
    /// the audit entry's after-snapshot in snake case (for a usage alert: period, threshold, total, allowance).
    /// </summary>
    public static string OrganisationPayload(AuditEntry entry)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("event_type", EventType(entry));
            writer.WriteStartObject("data");
            writer.WriteString("changed_by", entry.Actor);
            writer.WriteString("timestamp", entry.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture));
            WriteNumberOrNull(writer, "organisation_id", entry.OrganisationId);
            writer.WriteString("organisation_name", entry.EntityName);
            if (entry.After is not null && JsonNode.Parse(entry.After) is JsonObject fields)
            {
                foreach (var (name, value) in fields)
                {
                    writer.WritePropertyName(JsonNamingPolicy.SnakeCaseLower.ConvertName(name));
                    if (value is null)
                    {
                        writer.WriteNullValue();
                    }
                    else
                    {
                        value.WriteTo(writer);
                    }
                }
            }

            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Lower-case hex HMAC-SHA256 of the body under the webhook's secret, as Flagsmith signs.</summary>
    public static string Sign(string secret, ReadOnlySpan<byte> body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    public static string NewSecret() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));

    private static void WriteNumberOrNull(Utf8JsonWriter writer, string name, int? value)
    {
        if (value is { } number)
        {
            writer.WriteNumber(name, number);
        }
        else
        {
            writer.WriteNull(name);
        }
    }

    // The audit keeps a flag value as its JSON text ("\"green\""); a receiver gets the value itself ("green").
    private static void WriteRawOrNull(Utf8JsonWriter writer, string? json)
    {
        if (json is null)
        {
            writer.WriteNullValue();
            return;
        }

        var state = JsonNode.Parse(json);
        if (state is JsonObject snapshot && snapshot["value"] is JsonValue value && value.TryGetValue<string>(out var text))
        {
            try
            {
                snapshot["value"] = JsonNode.Parse(text);
            }
            catch (JsonException)
            {
                // Not a JSON literal: left as it is.
            }
        }

        if (state is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            state.WriteTo(writer);
        }
    }
}
