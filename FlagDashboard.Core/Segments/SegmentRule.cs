namespace FlagDashboard.Core.Segments;

public enum RuleType
{
    All,
    Any,
    None,
}

/// <summary>A group of conditions and nested rules, judged together by the rule's type.</summary>
public sealed record SegmentRule
{
    public RuleType Type { get; init; } = RuleType.All;

    public List<Condition> Conditions { get; init; } = [];

    public List<SegmentRule> Rules { get; init; } = [];
}

/// <summary>One test of an identity trait (or a <c>$.</c> JSONPath into the evaluation context).</summary>
public sealed record Condition
{
    public string Property { get; init; } = "";

    public string Operator { get; init; } = Operators.Equal;

    public string? Value { get; init; }
}
