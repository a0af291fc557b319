using System.Globalization;
using System.Text;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>Line protocol for the raw bucket: one line per counter, tags in key order (what InfluxDB sorts them to anyway).</summary>
internal static class InfluxLineProtocol
{
    public const string Unknown = "unknown";

    /// <summary>A line of API calls; <paramref name="instance"/> is left out for points written straight to a downsampled bucket.</summary>
    public static string ApiCallLine(ApiCall call, long count, string? instance, long timestampNs)
    {
        var line = new StringBuilder(160).Append(InfluxFlux.ApiCalls);
        Tag(line, "environment", Id(call.EnvironmentId));
        if (instance is not null)
        {
            Tag(line, "instance", instance);
        }

        Tag(line, "organisation", Id(call.OrganisationId));
        Tag(line, "project", Id(call.ProjectId));
        Tag(line, "resource", call.Resource.ResourceTag());
        Tag(line, "status", Status(call.StatusClass));
        return Field(line, count, timestampNs);
    }

    public static string EvaluationLine(EvaluationKey key, long count, string? instance, long timestampNs)
    {
        var line = new StringBuilder(160).Append(InfluxFlux.FlagEvaluations);
        Tag(line, "environment", InfluxFlux.Id(key.EnvironmentId));
        Tag(line, "feature", InfluxFlux.Id(key.FeatureId));
        if (instance is not null)
        {
            Tag(line, "instance", instance);
        }

        Tag(line, "organisation", InfluxFlux.Id(key.OrganisationId));
        Tag(line, "project", InfluxFlux.Id(key.ProjectId));
        return Field(line, count, timestampNs);
    }

    public static string Status(int statusClass) => statusClass is >= 1 and <= 9 ? $"{statusClass}xx" : Unknown;

    /// <summary>
    /// A tag value as line protocol reads it back: comma, equals sign and space are escaped with a backslash,
    /// and so is the backslash itself (two backslashes read as one). Line breaks cannot be escaped in line
    /// protocol, so they are written as the two characters <c>\n</c>, as InfluxDB's own clients do. An empty
    /// value would drop the tag, so it is written as "unknown".
    /// </summary>
    public static string Escape(string value)
    {
        if (value.Length == 0)
        {
            return Unknown;
        }

        if (value.AsSpan().IndexOfAny(",= \\\n\r\t") < 0)
        {
            return value;
        }

        var escaped = new StringBuilder(value.Length + 8);
        foreach (var c in value)
        {
            _ = c switch
            {
                ',' or '=' or ' ' or '\\' => escaped.Append('\\').Append(c),
                '\n' => escaped.Append("\\n"),
                '\r' => escaped.Append("\\r"),
                '\t' => escaped.Append("\\t"),
                _ => escaped.Append(c),
            };
        }

        return escaped.ToString();
    }

    private static string Id(int? id) => id is { } value ? InfluxFlux.Id(value) : Unknown;

    private static void Tag(StringBuilder line, string key, string value) => line.Append(',').Append(key).Append('=').Append(Escape(value));

    private static string Field(StringBuilder line, long count, long timestampNs) =>
        line.Append(' ').Append(InfluxFlux.CountField).Append('=').Append(count.ToString(CultureInfo.InvariantCulture)).Append("i ")
            .Append(timestampNs.ToString(CultureInfo.InvariantCulture)).ToString();
}
