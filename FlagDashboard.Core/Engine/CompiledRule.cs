namespace FlagDashboard.Core.Engine;

/// <summary>
/// A segment rule. Conditions and sub-rules are pure, so each list is tried cheapest first: a split
/// (an MD5) is only computed when the cheaper conditions have not already decided the rule.
/// </summary>
internal sealed class CompiledRule
{
    private enum RuleType
    {
        All,
        Any,
        None,
        Other,
    }

    private readonly RuleType _type;
    private readonly CompiledCondition[] _conditions;
    private readonly CompiledRule[] _rules;

    public CompiledRule(RuleContext rule, SegmentContext segment, CompilationScope compilation)
    {
        _type = rule.Type switch
        {
            "ALL" => RuleType.All,
            "ANY" => RuleType.Any,
            "NONE" => RuleType.None,
            _ => RuleType.Other,
        };
        _conditions = [.. rule.Conditions
            .Select(c => new CompiledCondition(c, segment, compilation))
            .OrderBy(c => c.Cost)];
        _rules = Order(rule.Rules.Select(r => new CompiledRule(r, segment, compilation)));
        Cost = _conditions.Sum(c => c.Cost) + _rules.Sum(r => r.Cost);
    }

    public int Cost { get; }

    public static CompiledRule[] Order(IEnumerable<CompiledRule> rules) => [.. rules.OrderBy(r => r.Cost)];

    public bool Matches(ref EvaluationScope scope)
    {
        if (_type == RuleType.Other)
        {
            return _conditions.Length == 0 && _rules.Length == 0;
        }

        return ConditionsPass(ref scope) && RulesPass(ref scope);
    }

    private bool ConditionsPass(ref EvaluationScope scope)
    {
        if (_conditions.Length == 0)
        {
            return true;
        }

        // ALL: stop at the first false. ANY: stop at the first true. NONE: stop at the first true (fails).
        var stopOn = _type != RuleType.All;
        foreach (var condition in _conditions)
        {
            if (condition.Matches(ref scope) == stopOn)
            {
                return _type == RuleType.Any;
            }
        }

        return _type != RuleType.Any;
    }

    private bool RulesPass(ref EvaluationScope scope)
    {
        if (_rules.Length == 0)
        {
            return true;
        }

        var stopOn = _type != RuleType.All;
        foreach (var rule in _rules)
        {
            if (rule.Matches(ref scope) == stopOn)
            {
                return _type == RuleType.Any;
            }
        }

        return _type != RuleType.Any;
    }
}
