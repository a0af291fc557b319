namespace FlagDashboard.Core.Usage;

/// <summary>Turns summed rows into chart lines: one point per step start in the range, gaps as zero; rows within a step add up.</summary>
public static class UsageGrid
{
    public const string TotalKey = "total";

    public readonly record struct Row(DateTimeOffset WindowStart, string Key, long Count);

    public static IReadOnlyList<UsageLine> Lines(UsageQuery query, IEnumerable<Row> rows)
    {
        var lines = new Accumulator(query);
        foreach (var row in rows)
        {
            lines.Add(row.WindowStart.UtcTicks, row.Key, row.Count);
        }

        return lines.Lines();
    }

    /// <summary>Adds counts into their step's slot as they are read, one array per key: no row is kept.</summary>
    public sealed class Accumulator(UsageQuery query)
    {
        private readonly long _from = query.From.UtcTicks;
        private readonly long _step = query.StepLength.Ticks;
        private readonly int _slots = (int)((query.To - query.From).Ticks / query.StepLength.Ticks);
        private readonly Dictionary<string, Line> _lines = new(StringComparer.Ordinal);

        /// <summary>The line of <paramref name="key"/>, to add to with <see cref="Add(Line, long, long)"/> without a lookup per row.</summary>
        public Line For(string key)
        {
            if (!_lines.TryGetValue(key, out var line))
            {
                _lines[key] = line = new Line(new long[_slots]);
            }

            return line;
        }

        public void Add(long windowStartTicks, string key, long count) => Add(For(key), windowStartTicks, count);

        public void Add(Line line, long windowStartTicks, long count)
        {
            var offset = windowStartTicks - _from;
            if (offset >= 0 && offset / _step is var slot && slot < _slots)
            {
                line.Counts[slot] += count;
                line.Seen = true;
            }
        }

        public IReadOnlyList<UsageLine> Lines()
        {
            var lines = _lines.Where(l => l.Value.Seen).Select(l => (l.Key, l.Value.Counts)).ToList();
            if (query.Grouping == UsageGrouping.None && lines.Count == 0)
            {
                // One line of zeros, as InfluxDB answers: "nothing happened" is a flat line, not an empty chart.
                lines.Add((TotalKey, new long[_slots]));
            }

            var length = query.StepLength;
            return lines
                .Select(line => new UsageLine(line.Key, line.Counts.Select((count, i) => new UsagePoint(query.From + (length * i), count)).ToList()))
                .OrderByDescending(line => line.Total)
                .ThenBy(line => line.Key, StringComparer.Ordinal)
                .ToList();
        }

        /// <summary>One key's counts per step, and whether a row in the range was added to it.</summary>
        public sealed class Line(long[] counts)
        {
            public long[] Counts { get; } = counts;

            public bool Seen { get; set; }
        }
    }
}
