using System.Text.Json;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// Flagsmith's evaluation context: what the engine evaluates. Built in code by the SDK API, or read from
/// a context file by <see cref="EvaluationContextReader"/>. Lists keep document order, which decides.
/// </summary>
public sealed record EvaluationContext
{
    public required EnvironmentContext Environment { get; init; }

    public IdentityContext? Identity { get; init; }

    public IReadOnlyList<SegmentContext> Segments { get; init; } = [];

    public IReadOnlyList<FeatureContext> Features { get; init; } = [];
}

public sealed record EnvironmentContext(string Key, string Name);

/// <summary>An identity; an empty or missing <see cref="Key"/> becomes <c>{environment key}_{identifier}</c>.</summary>
public sealed record IdentityContext(string Identifier)
{
    public string? Key { get; init; }

    /// <summary>Traits in document order (a <see cref="Dictionary{TKey,TValue}"/> keeps insertion order). Null values are unset.</summary>
    public IReadOnlyDictionary<string, EngineValue> Traits { get; init; } = EmptyTraits;

    internal static readonly IReadOnlyDictionary<string, EngineValue> EmptyTraits = new Dictionary<string, EngineValue>();
}

public sealed record SegmentContext(string Key, string Name)
{
    public IReadOnlyList<RuleContext> Rules { get; init; } = [];

    /// <summary>Feature overrides of the segment, matched to features by <see cref="FeatureContext.Name"/>.</summary>
    public IReadOnlyList<FeatureContext> Overrides { get; init; } = [];

    public JsonElement? Metadata { get; init; }
}

/// <summary>A rule: <see cref="Type"/> is "ALL", "ANY" or "NONE" (any other matches only when empty).</summary>
public sealed record RuleContext(string Type)
{
    public IReadOnlyList<ConditionContext> Conditions { get; init; } = [];

    public IReadOnlyList<RuleContext> Rules { get; init; } = [];
}

/// <summary>
/// A condition. <see cref="Value"/> is a string, or an array (of strings) for IN; other kinds are taken by
/// their Python <c>str()</c>.
/// </summary>
public sealed record ConditionContext(string Property, string Operator, EngineValue Value);

public sealed record FeatureContext(string Key, string Name, bool Enabled, EngineValue Value)
{
    public IReadOnlyList<VariantContext> Variants { get; init; } = [];

    /// <summary>An override's priority; lower wins, null is +infinity.</summary>
    public double? Priority { get; init; }

    public JsonElement? Metadata { get; init; }
}

/// <summary>A multivariate value. <see cref="Weight"/> is an integer or double number in 0..100.</summary>
public sealed record VariantContext(EngineValue Value, EngineValue Weight, double Priority)
{
    public string? Key { get; init; }
}
