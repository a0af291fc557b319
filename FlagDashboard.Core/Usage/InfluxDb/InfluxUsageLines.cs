using InfluxDB.Client.Core.Flux.Domain;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>Turns the tables of a chart query (one per group, already summed per window and gap-filled) into chart lines.</summary>
internal static class InfluxUsageLines
{
    public const string TotalKey = UsageGrid.TotalKey;

    public static IReadOnlyList<UsageLine> FromTables(IEnumerable<FluxTable> tables, UsageQuery query)
    {
        var step = InfluxFlux.Step(query.Window);
        var windows = (int)Math.Ceiling((query.To - query.From) / step);
        var groupTag = InfluxFlux.GroupTag(query.Metric, query.Grouping);
        var counts = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var record in tables.SelectMany(t => t.Records))
        {
            var key = groupTag is null ? TotalKey : record.GetValueByKey(groupTag)?.ToString() ?? InfluxLineProtocol.Unknown;
            if (record.GetTime() is not { } time)
            {
                continue;
            }

            // The server already filled the gaps; the grid here only guards the contract (one point per window
            // start) against an answer that left a window out, and merges a key the server split in two.
            var index = (int)((time.ToDateTimeOffset() - query.From) / step);
            if (index < 0 || index >= windows)
            {
                continue;
            }

            if (!counts.TryGetValue(key, out var line))
            {
                counts[key] = line = new long[windows];
            }

            line[index] += record.GetValue() is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0;
        }

        if (groupTag is null && counts.Count == 0)
        {
            counts[TotalKey] = new long[windows];
        }

        return counts
            .Select(pair => new UsageLine(pair.Key, pair.Value.Select((count, i) => new UsagePoint(query.From + step * i, count)).ToList()))
            .OrderByDescending(line => line.Total)
            .ThenBy(line => line.Key, StringComparer.Ordinal)
            .ToList();
    }
}
