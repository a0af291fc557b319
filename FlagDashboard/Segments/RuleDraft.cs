using System.Globalization;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Segments;

/// <summary>A rule as the rule builder edits it: mutable, turned into a <see cref="SegmentRule"/> to save.</summary>
public sealed class RuleDraft
{
    public RuleType Type { get; set; } = RuleType.All;

    public List<ConditionDraft> Conditions { get; } = [];

    public List<RuleDraft> Rules { get; } = [];

    public static RuleDraft From(SegmentRule rule)
    {
        var draft = new RuleDraft { Type = rule.Type };
        draft.Conditions.AddRange(rule.Conditions.Select(ConditionDraft.From));
        draft.Rules.AddRange(rule.Rules.Select(From));
        return draft;
    }

    public SegmentRule ToRule() => new()
    {
        Type = Type,
        Conditions = Conditions.Select(c => c.ToCondition()).ToList(),
        Rules = Rules.Select(r => r.ToRule()).ToList(),
    };
}

/// <summary>A condition as the rule builder edits it, with the operator-specific views of its one string value.</summary>
public sealed class ConditionDraft
{
    public const string SemVerSuffix = ":semver";

    /// <summary>The operators that compare one value, where a <c>:semver</c> suffix makes the comparison by semantic version.</summary>
    public static readonly IReadOnlySet<string> Comparisons = new HashSet<string>(StringComparer.Ordinal)
    {
        Operators.Equal, Operators.NotEqual, Operators.GreaterThan, Operators.GreaterThanInclusive, Operators.LessThan, Operators.LessThanInclusive,
    };

    public string Property { get; set; } = "";

    public string Operator { get; set; } = Operators.Equal;

    public string Value { get; set; } = "";

    public bool HasValue => Operator is not (Operators.IsSet or Operators.IsNotSet);

    public bool HasProperty => Operator != Operators.PercentageSplit;

    /// <summary>The items of an IN list (comma-separated on the wire, as Flagsmith stores them).</summary>
    public IReadOnlyList<string> Items => Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public void AddItems(string text)
    {
        var items = Items.Concat(text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct(StringComparer.Ordinal);
        Value = string.Join(",", items);
    }

    public void RemoveItem(string item) => Value = string.Join(",", Items.Where(i => i != item));

    public bool IsSemVer => Comparisons.Contains(Operator) && Value.EndsWith(SemVerSuffix, StringComparison.Ordinal);

    /// <summary>The value without its <c>:semver</c> suffix, as a person types it.</summary>
    public string PlainValue => IsSemVer ? Value[..^SemVerSuffix.Length] : Value;

    public void SetPlainValue(string text, bool semVer) => Value = semVer ? text + SemVerSuffix : text;

    public double Percentage
    {
        get => double.TryParse(Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) ? p : 0;
        set => Value = value.ToString(CultureInfo.InvariantCulture);
    }

    public double? Divisor => ModuloPart(0);

    public double? Remainder => ModuloPart(1);

    public void SetModulo(double? divisor, double? remainder) =>
        Value = $"{divisor?.ToString(CultureInfo.InvariantCulture)}|{remainder?.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>Changes the operator and keeps the value only when it still means something.</summary>
    public void SetOperator(string @operator)
    {
        var wasSemVer = IsSemVer;
        var previous = Operator;
        Operator = @operator;
        if (!HasValue)
        {
            Value = "";
        }
        else if (@operator == Operators.PercentageSplit)
        {
            Property = "";
            Value = previous == Operators.PercentageSplit ? Value : "50";
        }
        else if (@operator == Operators.Modulo && previous != Operators.Modulo)
        {
            Value = "2|0";
        }
        else if (previous is Operators.PercentageSplit or Operators.Modulo || (wasSemVer && !Comparisons.Contains(@operator)))
        {
            Value = "";
        }
    }

    public static ConditionDraft From(Condition condition) =>
        new() { Property = condition.Property, Operator = condition.Operator, Value = condition.Value ?? "" };

    public Condition ToCondition() => new()
    {
        Property = HasProperty ? Property.Trim() : "",
        Operator = Operator,
        Value = HasValue ? Value : null,
    };

    private double? ModuloPart(int index)
    {
        var parts = Value.Split('|');
        return parts.Length == 2 && double.TryParse(parts[index], NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? number : null;
    }
}
