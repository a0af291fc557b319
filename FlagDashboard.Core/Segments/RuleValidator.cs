using System.Globalization;
using System.Text.RegularExpressions;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Core.Segments;

/// <summary>Checks a rules tree before it is saved: known operators, values that parse for their operator, a sane size.</summary>
public static partial class RuleValidator
{
    public const int MaxDepth = 10;
    public const int MaxConditions = 500;

    /// <summary>Problems keyed by the path of the field, e.g. <c>rules[0].rules[1].conditions[2].value</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(IReadOnlyList<SegmentRule> rules)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var count = 0;
        for (var i = 0; i < rules.Count; i++)
        {
            Visit(rules[i], $"rules[{i}]", 1, errors, ref count);
        }

        if (count > MaxConditions)
        {
            errors["rules"] = [$"A segment may have at most {MaxConditions} conditions; this one has {count}."];
        }

        return errors;
    }

    /// <summary>The problem with one condition, or null when it is valid.</summary>
    public static string? CheckCondition(Condition condition, out string field)
    {
        field = "operator";
        if (!Operators.IsKnown(condition.Operator))
        {
            return $"Unknown operator '{condition.Operator}'. Use one of {string.Join(", ", Operators.All)}.";
        }

        field = "property";
        if (condition.Property.Length > FieldLimits.ConditionProperty)
        {
            return $"At most {FieldLimits.ConditionProperty} characters.";
        }

        if (condition.Property.Length == 0 && condition.Operator != Operators.PercentageSplit)
        {
            return "Name the trait this condition tests.";
        }

        if (JsonText.HasNul(condition.Property))
        {
            return JsonText.NulMessage;
        }

        field = "value";
        var value = condition.Value ?? "";
        if (value.Length > FieldLimits.ConditionValue)
        {
            return $"At most {FieldLimits.ConditionValue} characters.";
        }

        if (JsonText.HasNul(value))
        {
            return JsonText.NulMessage;
        }

        return condition.Operator switch
        {
            Operators.IsSet or Operators.IsNotSet => null,
            Operators.PercentageSplit => double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var percentage) && percentage is >= 0 and <= 100
                ? null
                : $"'{value}' is not a percentage from 0 to 100.",
            Operators.Modulo => CheckModulo(value),
            Operators.Regex => CheckRegex(value),
            _ when value.EndsWith(":semver", StringComparison.Ordinal) => SemVerPattern().IsMatch(value[..^":semver".Length])
                ? null
                : $"'{value[..^":semver".Length]}' is not a semantic version such as 1.2.3 or 2.0.0-beta.1.",
            _ => null,
        };
    }

    private static void Visit(SegmentRule rule, string path, int depth, Dictionary<string, string[]> errors, ref int count)
    {
        if (depth > MaxDepth)
        {
            errors[path] = [$"Rules may nest at most {MaxDepth} levels deep."];
            return;
        }

        if (!Enum.IsDefined(rule.Type))
        {
            // An enum takes any number; 99 was stored and then exported as ALL.
            errors[$"{path}.type"] = [$"Unknown rule type {(int)rule.Type}. Use ALL, ANY or NONE."];
        }

        for (var i = 0; i < rule.Conditions.Count; i++)
        {
            count++;
            var problem = CheckCondition(rule.Conditions[i], out var field);
            if (problem is not null)
            {
                errors[$"{path}.conditions[{i}].{field}"] = [problem];
            }
        }

        for (var i = 0; i < rule.Rules.Count; i++)
        {
            Visit(rule.Rules[i], $"{path}.rules[{i}]", depth + 1, errors, ref count);
        }
    }

    private static string? CheckModulo(string value)
    {
        var parts = value.Split('|');
        if (parts.Length != 2
            || !double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var divisor)
            || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            return $"'{value}' is not 'divisor|remainder', such as 2|0.";
        }

        return divisor == 0 ? "The divisor may not be 0." : null;
    }

    private static string? CheckRegex(string pattern)
    {
        try
        {
            // The engine's own reading of Python syntax ((?P<n>, (?P=n), \Z, {,n}), so what it accepts is what runs.
            _ = new Regex(PythonRegex.Translate(pattern), RegexOptions.None, TimeSpan.FromMilliseconds(100));
            return null;
        }
        catch (ArgumentException exception)
        {
            return $"Not a valid regular expression: {exception.Message}";
        }
    }

    [GeneratedRegex(@"\A(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?\z")]
    private static partial Regex SemVerPattern();
}
