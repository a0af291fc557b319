using System.Text.Json;

namespace FlagDashboard.Core.Engine;

/// <summary>The flags of one evaluation, in feature order, and the segments the identity matched.</summary>
public sealed class EvaluationResult
{
    private readonly IReadOnlyDictionary<string, int> _indexByName;

    internal EvaluationResult(FlagResult[] flags, SegmentResult[] segments, IReadOnlyDictionary<string, int> indexByName)
    {
        Flags = flags;
        Segments = segments;
        _indexByName = indexByName;
    }

    public IReadOnlyList<FlagResult> Flags { get; }

    public IReadOnlyList<SegmentResult> Segments { get; }

    public bool TryGetFlag(string name, out FlagResult flag)
    {
        if (_indexByName.TryGetValue(name, out var index))
        {
            flag = Flags[index];
            return true;
        }

        flag = null!;
        return false;
    }

    public FlagResult this[string name] =>
        TryGetFlag(name, out var flag) ? flag : throw new KeyNotFoundException($"No flag named '{name}'.");
}

/// <summary>
/// One flag's answer. Instances are immutable and shared between evaluations (the engine prepares every
/// possible answer of a feature when it compiles the context).
/// </summary>
public sealed record FlagResult(string Name, bool Enabled, EngineValue Value, string Reason, string? Variant)
{
    /// <summary>The picked override's metadata when overridden, else the feature's; null when absent or empty.</summary>
    public JsonElement? Metadata { get; init; }
}

public sealed record SegmentResult(string Name)
{
    /// <summary>The segment's metadata; null when absent or empty.</summary>
    public JsonElement? Metadata { get; init; }
}

public static class EvaluationReasons
{
    public const string Default = "DEFAULT";
    public const string IdentityOverridesSegment = "identity_overrides";

    public static string TargetingMatch(string segmentName) => $"TARGETING_MATCH; segment={segmentName}";

    /// <summary>The weight prints as Python's <c>str</c> of its number: "30", "30.0", "54.54".</summary>
    public static string Split(EngineValue weight) => $"SPLIT; weight={weight.ToPythonString()}";
}
