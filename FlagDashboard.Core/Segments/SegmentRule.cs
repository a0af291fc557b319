using System.ComponentModel.DataAnnotations;
namespace FlagDashboard.Core.Segments;

public enum RuleType
{
    All,
    Any,
    None,
}

/// <summary>A group of conditions and nested rules, judged together by the rule's type.</summary>
public sealed record SegmentRule : IValidatableObject
{
    public RuleType Type { get; init; } = RuleType.All;

    [Required]
    public List<Condition> Conditions { get; init; } = [];

    [Required]
    public List<SegmentRule> Rules { get; init; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
        [.. NullItems.In(Conditions, nameof(Conditions)), .. NullItems.In(Rules, nameof(Rules))];
}

/// <summary>One test of an identity trait (or a <c>$.</c> JSONPath into the evaluation context).</summary>
public sealed record Condition
{
    [Required(AllowEmptyStrings = true)]
    public string Property { get; init; } = "";

    [Required(AllowEmptyStrings = true)]
    public string Operator { get; init; } = Operators.Equal;

    public string? Value { get; init; }
}
