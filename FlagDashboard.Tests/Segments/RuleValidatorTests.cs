using FlagDashboard.Core.Segments;

namespace FlagDashboard.Tests.Segments;

public sealed class RuleValidatorTests
{
    private static SegmentRule[] OneCondition(string property, string @operator, string? value) =>
        [new SegmentRule { Type = RuleType.All, Rules = [new SegmentRule { Type = RuleType.Any, Conditions = [new Condition { Property = property, Operator = @operator, Value = value }] }] }];

    private static string ErrorAt(IReadOnlyDictionary<string, string[]> errors, string path) =>
        Assert.Single(Assert.Contains(path, errors));

    [Fact]
    public void AnUnknownOperatorIsRejectedAtItsPath()
    {
        var errors = RuleValidator.Validate(OneCondition("plan", "LIKE", "gold"));

        Assert.Equal(["rules[0].rules[0].conditions[0].operator"], errors.Keys);
        Assert.Contains("LIKE", ErrorAt(errors, "rules[0].rules[0].conditions[0].operator"), StringComparison.Ordinal);
    }

    [Fact]
    public void OperatorsAreCaseSensitiveAsOnTheWire()
    {
        var errors = RuleValidator.Validate(OneCondition("plan", "equal", "gold"));

        Assert.Contains("rules[0].rules[0].conditions[0].operator", errors.Keys);
    }

    [Fact]
    public void ThePathNamesTheNestedRuleAndConditionThatIsWrong()
    {
        SegmentRule[] rules =
        [
            new SegmentRule
            {
                Rules =
                [
                    new SegmentRule { Conditions = [new Condition { Property = "plan", Operator = Operators.Equal, Value = "gold" }] },
                    new SegmentRule { Conditions = [new Condition { Operator = Operators.PercentageSplit, Value = "150" }] },
                ],
            },
        ];

        var errors = RuleValidator.Validate(rules);

        Assert.Equal(["rules[0].rules[1].conditions[0].value"], errors.Keys);
    }

    [Theory]
    [InlineData("101")]
    [InlineData("-1")]
    [InlineData("half")]
    [InlineData("")]
    [InlineData("NaN")]
    public void APercentageSplitOutsideZeroToOneHundredIsRejected(string value)
    {
        var errors = RuleValidator.Validate(OneCondition("", Operators.PercentageSplit, value));

        Assert.Contains("not a percentage", ErrorAt(errors, "rules[0].rules[0].conditions[0].value"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("33.5")]
    [InlineData("100")]
    public void APercentageSplitFromZeroToOneHundredIsAccepted(string value)
    {
        Assert.Empty(RuleValidator.Validate(OneCondition("", Operators.PercentageSplit, value)));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("2|")]
    [InlineData("two|zero")]
    [InlineData("2|0|1")]
    [InlineData(null)]
    public void AModuloWithoutDivisorAndRemainderIsRejected(string? value)
    {
        var errors = RuleValidator.Validate(OneCondition("user_id", Operators.Modulo, value));

        Assert.Contains("divisor|remainder", ErrorAt(errors, "rules[0].rules[0].conditions[0].value"), StringComparison.Ordinal);
    }

    [Fact]
    public void AModuloByZeroIsRejected()
    {
        var errors = RuleValidator.Validate(OneCondition("user_id", Operators.Modulo, "0|1"));

        Assert.Contains("divisor may not be 0", ErrorAt(errors, "rules[0].rules[0].conditions[0].value"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2|0")]
    [InlineData("2.5|1.5")]
    public void AModuloWithDivisorAndRemainderIsAccepted(string value)
    {
        Assert.Empty(RuleValidator.Validate(OneCondition("user_id", Operators.Modulo, value)));
    }

    [Theory]
    [InlineData("(unclosed")]
    [InlineData("[a-")]
    [InlineData("*start")]
    public void AnInvalidRegexIsRejected(string pattern)
    {
        var errors = RuleValidator.Validate(OneCondition("email", Operators.Regex, pattern));

        Assert.Contains("regular expression", ErrorAt(errors, "rules[0].rules[0].conditions[0].value"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(@".*@example\.com$")]
    [InlineData(@"(?P<user>\w+)@")]
    public void AValidRegexIncludingPythonNamedGroupsIsAccepted(string pattern)
    {
        Assert.Empty(RuleValidator.Validate(OneCondition("email", Operators.Regex, pattern)));
    }

    [Theory]
    [InlineData("1.2:semver")]
    [InlineData("01.2.3:semver")]
    [InlineData("version:semver")]
    [InlineData(":semver")]
    public void AnInvalidSemanticVersionIsRejected(string value)
    {
        var errors = RuleValidator.Validate(OneCondition("app_version", Operators.GreaterThan, value));

        Assert.Contains("semantic version", ErrorAt(errors, "rules[0].rules[0].conditions[0].value"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.2.3:semver")]
    [InlineData("2.0.0-beta.1:semver")]
    [InlineData("1.0.0+build.5:semver")]
    [InlineData("1.2")]
    public void AValidSemanticVersionOrAPlainValueIsAccepted(string value)
    {
        Assert.Empty(RuleValidator.Validate(OneCondition("app_version", Operators.GreaterThanInclusive, value)));
    }

    [Fact]
    public void AConditionWithoutAPropertyIsRejectedUnlessItIsAPercentageSplit()
    {
        var errors = RuleValidator.Validate(OneCondition("", Operators.Equal, "gold"));

        Assert.Equal(["rules[0].rules[0].conditions[0].property"], errors.Keys);
    }

    [Fact]
    public void RulesNestedDeeperThanTheLimitAreRejectedWhereTheyGoTooDeep()
    {
        SegmentRule Nest(int levels) => levels == 1
            ? new SegmentRule { Conditions = [new Condition { Property = "plan", Value = "gold" }] }
            : new SegmentRule { Rules = [Nest(levels - 1)] };

        var atLimit = RuleValidator.Validate([Nest(RuleValidator.MaxDepth)]);
        var tooDeep = RuleValidator.Validate([Nest(RuleValidator.MaxDepth + 1)]);

        Assert.Empty(atLimit);
        Assert.Equal(["rules[0]" + string.Concat(Enumerable.Repeat(".rules[0]", RuleValidator.MaxDepth))], tooDeep.Keys);
    }

    [Fact]
    public void MoreConditionsThanTheLimitAreRejected()
    {
        SegmentRule Rule(int conditions) => new() { Conditions = Enumerable.Range(0, conditions).Select(i => new Condition { Property = $"p{i}", Value = "x" }).ToList() };

        Assert.Empty(RuleValidator.Validate([Rule(RuleValidator.MaxConditions - 1), Rule(1)]));
        Assert.Equal(["rules"], RuleValidator.Validate([Rule(RuleValidator.MaxConditions), Rule(1)]).Keys);
    }

    [Fact]
    public void EveryProblemIsReportedAtOnce()
    {
        SegmentRule[] rules =
        [
            new SegmentRule { Conditions = [new Condition { Property = "a", Operator = "NOPE" }, new Condition { Property = "b", Operator = Operators.Modulo, Value = "0|0" }] },
            new SegmentRule { Conditions = [new Condition { Property = "c", Operator = Operators.Regex, Value = "(" }] },
        ];

        var errors = RuleValidator.Validate(rules);

        Assert.Equal(
            ["rules[0].conditions[0].operator", "rules[0].conditions[1].value", "rules[1].conditions[0].value"],
            errors.Keys.Order(StringComparer.Ordinal));
    }
}
