using System.Text.Json;
using System.Text.Json.Serialization;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Versions;

/// <summary>A feature's states in one environment. Values are JSON literals, as <see cref="FlagValue.ToJson"/> writes them.</summary>
public sealed record StatesSnapshot(bool Enabled, string Value, IReadOnlyList<WeightSnapshot> Weights, IReadOnlyList<SegmentOverrideSnapshot> SegmentOverrides)
{
    [JsonIgnore]
    public FlagValue FlagValue => FlagValue.FromJson(Value);

    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions.Web);

    public static StatesSnapshot FromJson(string json) =>
        JsonSerializer.Deserialize<StatesSnapshot>(json, JsonOptions.Web) ?? throw new FormatException("A version's snapshot is empty.");

    /// <summary>The snapshot of the states as loaded (the environment default and its segment overrides, weights with their options, segments).</summary>
    public static StatesSnapshot Of(FeatureState environmentDefault, IEnumerable<FeatureState> segmentOverrides) => new(
        environmentDefault.Enabled,
        environmentDefault.Value.ToJson(),
        WeightsOf(environmentDefault),
        segmentOverrides.OrderBy(s => s.SegmentPriority).ThenBy(s => s.SegmentId)
            .Select((s, index) => new SegmentOverrideSnapshot(s.SegmentId!.Value, s.Segment?.Name ?? $"#{s.SegmentId}", index, s.Enabled, s.Value.ToJson(), WeightsOf(s)))
            .ToList());

    private static List<WeightSnapshot> WeightsOf(FeatureState state) =>
        state.Weights.OrderBy(w => w.OptionId)
            .Select(w => new WeightSnapshot(w.OptionId, w.Option?.Value.ToJson() ?? "null", w.Percentage)).ToList();
}

public sealed record WeightSnapshot(int OptionId, string OptionValue, double Percentage);

/// <summary>A segment override; <see cref="Priority"/> is its place in the order (0 wins over 1).</summary>
public sealed record SegmentOverrideSnapshot(int SegmentId, string SegmentName, int Priority, bool Enabled, string Value, IReadOnlyList<WeightSnapshot> Weights)
{
    [JsonIgnore]
    public FlagValue FlagValue => FlagValue.FromJson(Value);
}
