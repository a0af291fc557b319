using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// Writes Flagsmith's evaluation-result JSON: <c>flags</c> keyed by name (<c>name, enabled, value, reason,
/// variant</c>, then <c>metadata</c> when present and non-empty) and the matched <c>segments</c>.
/// Values keep their JSON kind: a double 1.0 is written <c>1.0</c>.
/// </summary>
public static class EvaluationResultWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The result as one line of JSON.</summary>
    public static string ToJson(EvaluationResult result)
    {
        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            Write(writer, result);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static void Write(Utf8JsonWriter writer, EvaluationResult result)
    {
        writer.WriteStartObject();
        writer.WriteStartObject("flags");
        foreach (var flag in result.Flags)
        {
            writer.WritePropertyName(flag.Name);
            WriteFlag(writer, flag);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("segments");
        foreach (var segment in result.Segments)
        {
            writer.WriteStartObject();
            writer.WriteString("name", segment.Name);
            if (segment.Metadata is { } metadata)
            {
                writer.WritePropertyName("metadata");
                metadata.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    public static void WriteFlag(Utf8JsonWriter writer, FlagResult flag)
    {
        writer.WriteStartObject();
        writer.WriteString("name", flag.Name);
        writer.WriteBoolean("enabled", flag.Enabled);
        writer.WritePropertyName("value");
        flag.Value.WriteTo(writer);
        writer.WriteString("reason", flag.Reason);
        if (flag.Variant is null)
        {
            writer.WriteNull("variant");
        }
        else
        {
            writer.WriteString("variant", flag.Variant);
        }

        if (flag.Metadata is { } metadata)
        {
            writer.WritePropertyName("metadata");
            metadata.WriteTo(writer);
        }

        writer.WriteEndObject();
    }
}
