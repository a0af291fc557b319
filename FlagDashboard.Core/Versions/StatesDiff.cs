using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Versions;

/// <summary>One line of a side-by-side comparison; a side is null where that version has no such thing.</summary>
public sealed record DiffLine(string Label, string? Left, string? Right)
{
    public bool Changed => Left != Right;
}

/// <summary>Compares two versions' states line by line, in words a person reads: on/off, value, each weight, each segment override.</summary>
public static class StatesDiff
{
    public static IReadOnlyList<DiffLine> Compare(StatesSnapshot left, StatesSnapshot right)
    {
        var lines = new List<DiffLine>
        {
            new("Enabled", OnOff(left.Enabled), OnOff(right.Enabled)),
            new("Value", Show(left.Value), Show(right.Value)),
        };
        lines.AddRange(Weights("Weight of ", left.Weights, right.Weights));

        var segments = left.SegmentOverrides.Select(o => (o.SegmentId, o.SegmentName, o.Priority))
            .Concat(right.SegmentOverrides.Select(o => (o.SegmentId, o.SegmentName, o.Priority)))
            .OrderBy(s => s.Priority).DistinctBy(s => s.SegmentId).ToList();
        foreach (var segment in segments)
        {
            var a = left.SegmentOverrides.FirstOrDefault(o => o.SegmentId == segment.SegmentId);
            var b = right.SegmentOverrides.FirstOrDefault(o => o.SegmentId == segment.SegmentId);
            var name = $"Segment {segment.SegmentName}: ";
            lines.Add(new(name + "override", a is null ? "none" : $"#{a.Priority + 1} in order", b is null ? "none" : $"#{b.Priority + 1} in order"));
            lines.Add(new(name + "enabled", a is null ? null : OnOff(a.Enabled), b is null ? null : OnOff(b.Enabled)));
            lines.Add(new(name + "value", a is null ? null : Show(a.Value), b is null ? null : Show(b.Value)));
            lines.AddRange(Weights(name + "weight of ", a?.Weights ?? [], b?.Weights ?? [], a is null, b is null));
        }

        return lines;
    }

    private static IEnumerable<DiffLine> Weights(string prefix, IReadOnlyList<WeightSnapshot> left, IReadOnlyList<WeightSnapshot> right, bool leftMissing = false, bool rightMissing = false)
    {
        foreach (var option in left.Concat(right).DistinctBy(w => w.OptionId).OrderBy(w => w.OptionId))
        {
            var a = left.FirstOrDefault(w => w.OptionId == option.OptionId);
            var b = right.FirstOrDefault(w => w.OptionId == option.OptionId);
            yield return new(
                prefix + Show(option.OptionValue),
                leftMissing ? null : Percent(a),
                rightMissing ? null : Percent(b));
        }
    }

    private static string Percent(WeightSnapshot? weight) => weight is null ? "0 %" : $"{weight.Percentage:0.##} %";

    private static string OnOff(bool enabled) => enabled ? "on" : "off";

    private static string Show(string json)
    {
        var value = FlagValue.FromJson(json);
        return value.IsNone ? "(no value)" : value.Type == FlagValueType.String ? $"\"{value.AsString}\"" : value.ToDisplayText();
    }
}
