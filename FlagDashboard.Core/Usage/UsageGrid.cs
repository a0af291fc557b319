namespace FlagDashboard.Core.Usage;

/// <summary>Turns summed rows into chart lines: one point per step start in the range, gaps as zero; rows within a step add up.</summary>
public static class UsageGrid
{
    public const string TotalKey = "total";

    public readonly record struct Row(DateTimeOffset WindowStart, string Key, long Count);

    public static IReadOnlyList<UsageLine> Lines(UsageQuery query, IEnumerable<Row> rows)
    {
        var length = query.StepLength;
        var slots = (int)((query.To - query.From).Ticks / length.Ticks);
        var lines = new Dictionary<string, long[]>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var slot = (int)((row.WindowStart.UtcTicks - query.From.UtcTicks) / length.Ticks);
            if (slot < 0 || slot >= slots)
            {
                continue;
            }

            if (!lines.TryGetValue(row.Key, out var counts))
            {
                lines[row.Key] = counts = new long[slots];
            }

            counts[slot] += row.Count;
        }

        if (query.Grouping == UsageGrouping.None && lines.Count == 0)
        {
            // One line of zeros, as InfluxDB answers: "nothing happened" is a flat line, not an empty chart.
            lines[TotalKey] = new long[slots];
        }

        return lines
            .Select(line => new UsageLine(line.Key, line.Value.Select((count, i) => new UsagePoint(query.From + (length * i), count)).ToList()))
            .OrderByDescending(line => line.Total)
            .ThenBy(line => line.Key, StringComparer.Ordinal)
            .ToList();
    }
}
