using System.Globalization;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Segments;

/// <summary>A segment's rules in a few words, for the segments list: how many conditions, and the first of them.</summary>
public static class SegmentRulesText
{
    private const int ShownConditions = 2;
    private const int LongestValue = 24;

    /// <summary>Every condition of the rules and of the groups nested in them, in the order the editor shows them.</summary>
    public static int ConditionCount(IReadOnlyList<SegmentRule> rules) => Conditions(rules, negated: false).Count();

    /// <summary>"plan = beta · not blocked = true · …": the first conditions, each with "not" under a None group.</summary>
    public static string Summary(IReadOnlyList<SegmentRule> rules)
    {
        var phrases = Conditions(rules, negated: false).Select(c => c.Negated ? $"not {Phrase(c.Condition)}" : Phrase(c.Condition)).ToList();
        return phrases.Count <= ShownConditions
            ? string.Join(" · ", phrases)
            : string.Join(" · ", phrases.Take(ShownConditions)) + " · …";
    }

    /// <summary>"1 condition", "3 conditions", "No conditions".</summary>
    public static string CountText(int count) => count switch
    {
        0 => "No conditions",
        1 => "1 condition",
        _ => string.Create(CultureInfo.CurrentCulture, $"{count} conditions"),
    };

    public static string Phrase(Condition condition)
    {
        var property = condition.Property;
        var value = Shorten(condition.Value ?? "");
        return condition.Operator switch
        {
            Operators.Equal => $"{property} = {value}",
            Operators.NotEqual => $"{property} ≠ {value}",
            Operators.GreaterThan => $"{property} > {value}",
            Operators.GreaterThanInclusive => $"{property} ≥ {value}",
            Operators.LessThan => $"{property} < {value}",
            Operators.LessThanInclusive => $"{property} ≤ {value}",
            Operators.Contains => $"{property} contains {value}",
            Operators.NotContains => $"{property} does not contain {value}",
            Operators.In => $"{property} is one of {value}",
            Operators.Regex => $"{property} matches {value}",
            Operators.IsSet => $"{property} is set",
            Operators.IsNotSet => $"{property} is not set",
            Operators.Modulo => $"{property} modulo {value}",
            Operators.PercentageSplit => $"{value} % of identities",
            _ => $"{property} {condition.Operator} {value}",
        };
    }

    private static IEnumerable<(Condition Condition, bool Negated)> Conditions(IEnumerable<SegmentRule> rules, bool negated)
    {
        foreach (var rule in rules)
        {
            // Under a None group every condition reads the other way round; two of them nested cancel out.
            var inside = negated ^ (rule.Type == RuleType.None);
            foreach (var condition in rule.Conditions)
            {
                yield return (condition, inside);
            }

            foreach (var nested in Conditions(rule.Rules, inside))
            {
                yield return nested;
            }
        }
    }

    private static string Shorten(string value) => value.Length <= LongestValue ? value : value[..(LongestValue - 1)] + "…";
}
