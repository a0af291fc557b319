using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Segments;

public sealed record SegmentInput(string Name, string? Description, IReadOnlyList<SegmentRule> Rules);

public sealed record SegmentSummary(int Id, string Name, string? Description, int RuleCount, int Version);

/// <summary>A segment's override of one feature in one environment.</summary>
public sealed record SegmentOverrideView(
    int StateId,
    int SegmentId,
    string SegmentName,
    int FeatureId,
    string FeatureName,
    int Priority,
    bool Enabled,
    FlagValue Value,
    int Version);
