using FlagDashboard.Core.Segments;
using FlagDashboard.Segments;

namespace FlagDashboard.Tests.Segments;

public sealed class SegmentRulesTextTests
{
    private static readonly SegmentRule[] BetaUsers =
    [
        new()
        {
            Type = RuleType.All,
            Rules =
            [
                new() { Type = RuleType.Any, Conditions = [new() { Property = "plan", Operator = Operators.Equal, Value = "beta" }, new() { Property = "email_domain", Operator = Operators.In, Value = "example.com,example.org" }] },
                new() { Type = RuleType.None, Conditions = [new() { Property = "blocked", Operator = Operators.Equal, Value = "true" }] },
            ],
        },
    ];

    [Fact]
    public void ConditionsAreCountedInNestedGroupsToo()
    {
        Assert.Equal(3, SegmentRulesText.ConditionCount(BetaUsers));
        Assert.Equal("3 conditions", SegmentRulesText.CountText(3));
        Assert.Equal("1 condition", SegmentRulesText.CountText(1));
        Assert.Equal("No conditions", SegmentRulesText.CountText(SegmentRulesText.ConditionCount([])));
    }

    [Fact]
    public void TheSummaryShowsTheFirstConditionsAndSaysWhenThereAreMore()
    {
        Assert.Equal("plan = beta · email_domain is one of example.com,example.org · …", SegmentRulesText.Summary(BetaUsers));
    }

    [Fact]
    public void AConditionUnderANoneGroupReadsNegatedAndAPercentageSplitReadsAsAShare()
    {
        SegmentRule[] rules =
        [
            new() { Type = RuleType.None, Conditions = [new() { Property = "blocked", Operator = Operators.IsSet }] },
            new() { Conditions = [new() { Operator = Operators.PercentageSplit, Value = "10" }] },
        ];

        Assert.Equal("not blocked is set · 10 % of identities", SegmentRulesText.Summary(rules));
    }

    [Fact]
    public void ALongValueIsShortened()
    {
        var phrase = SegmentRulesText.Phrase(new Condition { Property = "email", Operator = Operators.Regex, Value = new string('a', 40) });

        Assert.Equal($"email matches {new string('a', 23)}…", phrase);
    }
}
