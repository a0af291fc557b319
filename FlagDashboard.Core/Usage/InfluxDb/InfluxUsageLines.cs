using InfluxDB.Client.Core.Flux.Domain;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>Turns the tables of a chart query (one per group, already summed per window and gap-filled) into chart lines.</summary>
internal static class InfluxUsageLines
{
    public const string TotalKey = UsageGrid.TotalKey;

    /// <summary>
    /// The server already summed and filled the gaps; <see cref="UsageGrid"/> only guards the contract (one point
    /// per window start, a line of zeros for an empty total) and merges a key the server split in two.
    /// </summary>
    public static IReadOnlyList<UsageLine> FromTables(IEnumerable<FluxTable> tables, UsageQuery query)
    {
        var groupTag = InfluxFlux.GroupTag(query.Metric, query.Grouping);
        return UsageGrid.Lines(query, tables.SelectMany(t => t.Records)
            .Where(record => record.GetTime() is not null)
            .Select(record => new UsageGrid.Row(
                record.GetTime()!.Value.ToDateTimeOffset(),
                groupTag is null ? TotalKey : record.GetValueByKey(groupTag)?.ToString() ?? InfluxLineProtocol.Unknown,
                record.GetValue() is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0)));
    }
}
