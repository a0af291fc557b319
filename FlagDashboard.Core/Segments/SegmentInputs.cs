using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Segments;

public sealed record SegmentInput(string Name, string? Description, IReadOnlyList<SegmentRule> Rules);

/// <summary>A segment in the list, with its rules for a short summary.</summary>
public sealed record SegmentSummary(int Id, string Name, string? Description, int RuleCount, int Version, IReadOnlyList<SegmentRule> Rules);

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

/// <summary>The engine's answer for one identity: matched segments by name, and every flag with its value (as JSON) and reason.</summary>
public sealed record IdentityEvaluation(IReadOnlyList<string> MatchedSegments, IReadOnlyList<EvaluatedFlag> Flags);

public sealed record EvaluatedFlag(string Name, bool Enabled, string ValueJson, string Reason);
