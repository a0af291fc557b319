using Bunit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Segments;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Segments;

public sealed class RuleBuilderTests : BunitContext
{
    public RuleBuilderTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Render<MudPopoverProvider>();
    }

    [Fact]
    public void NestedGroupsWithTheirTypesAndConditionsBecomeTheRulesTree()
    {
        var rules = new List<RuleDraft>();
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));

        cut.Find("[data-testid=add-rule]").Click();
        cut.Find("input[data-testid=condition-property]").Change("plan");
        cut.Find("input[data-testid=condition-value]").Change("gold");
        cut.Find("[data-testid=rule-group] [data-testid=add-group]").Click();
        SetType(cut, path: "rules[0].rules[0]", RuleType.None);
        var nested = cut.Find("[data-path='rules[0].rules[0].conditions[0]']");
        nested.QuerySelector("input[data-testid=condition-property]")!.Change("country");
        ChooseOperator(cut, "rules[0].rules[0].conditions[0]", Operators.IsSet);

        var tree = cut.Instance.ToRules();

        var top = Assert.Single(tree);
        Assert.Equal(RuleType.All, top.Type);
        Assert.Equal(new Condition { Property = "plan", Operator = Operators.Equal, Value = "gold" }, Assert.Single(top.Conditions));
        var inner = Assert.Single(top.Rules);
        Assert.Equal(RuleType.None, inner.Type);
        Assert.Equal(new Condition { Property = "country", Operator = Operators.IsSet, Value = null }, Assert.Single(inner.Conditions));
        Assert.Empty(RuleValidator.Validate(tree));
    }

    [Fact]
    public void TheInOperatorTurnsTypedValuesIntoChipsAndACommaSeparatedList()
    {
        var rules = new List<RuleDraft> { Group(new ConditionDraft { Property = "country", Operator = Operators.In }) };
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));

        cut.Find("input[data-testid=condition-in-input]").Input("gb, fr");
        cut.Find("input[data-testid=condition-in-input]").KeyDown(Bunit.Key.Enter);
        cut.Find("input[data-testid=condition-in-input]").Input("de");
        cut.Find("input[data-testid=condition-in-input]").KeyDown(Bunit.Key.Enter);

        Assert.Equal("gb,fr,de", cut.Instance.ToRules()[0].Conditions[0].Value);
        Assert.Equal(3, cut.FindComponents<MudChip<string>>().Count);
    }

    [Fact]
    public async Task ThePercentageSliderSetsTheSplitAndDropsTheTrait()
    {
        var rules = new List<RuleDraft> { Group(new ConditionDraft { Property = "plan", Operator = Operators.Equal, Value = "gold" }) };
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));

        ChooseOperator(cut, "rules[0].conditions[0]", Operators.PercentageSplit);
        var slider = cut.FindComponent<MudSlider<double>>();
        await cut.InvokeAsync(() => slider.Instance.ValueChanged.InvokeAsync(25));

        Assert.Empty(cut.FindAll("[data-testid=condition-property]"));
        Assert.Equal(new Condition { Property = "", Operator = Operators.PercentageSplit, Value = "25" }, cut.Instance.ToRules()[0].Conditions[0]);
    }

    [Fact]
    public void TheModuloFieldsWriteDivisorBarRemainder()
    {
        var rules = new List<RuleDraft> { Group(new ConditionDraft { Property = "user_number" }) };
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));

        ChooseOperator(cut, "rules[0].conditions[0]", Operators.Modulo);
        cut.Find("input[data-testid=condition-modulo-divisor]").Change("3");
        cut.Find("input[data-testid=condition-modulo-remainder]").Change("1");

        Assert.Equal("3|1", cut.Instance.ToRules()[0].Conditions[0].Value);
    }

    [Fact]
    public void TheSemVerBoxAddsTheSuffixTheEngineReads()
    {
        var rules = new List<RuleDraft> { Group(new ConditionDraft { Property = "app_version", Operator = Operators.GreaterThanInclusive }) };
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));

        cut.Find("input[data-testid=condition-value]").Change("2.1.0");
        cut.Find("input[data-testid=condition-semver]").Change(true);

        Assert.Equal("2.1.0:semver", cut.Instance.ToRules()[0].Conditions[0].Value);
        Assert.Equal("2.1.0", cut.Find("input[data-testid=condition-value]").GetAttribute("value"));
    }

    [Fact]
    public void TheValidatorsMessagesShowNextToTheConditionTheyConcern()
    {
        var rules = new List<RuleDraft>
        {
            Group(new ConditionDraft { Property = "plan", Operator = Operators.Equal, Value = "gold" }),
            Group(new ConditionDraft { Property = "n", Operator = Operators.Modulo, Value = "0|1" }),
        };
        var errors = RuleValidator.Validate(rules.Select(r => r.ToRule()).ToList());

        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules).Add(c => c.Errors, errors));

        Assert.Equal(["rules[1].conditions[0].value"], errors.Keys);
        Assert.Contains("The divisor may not be 0.", cut.Find("[data-path='rules[1].conditions[0]']").TextContent);
        Assert.DoesNotContain("divisor may not", cut.Find("[data-path='rules[0].conditions[0]']").TextContent);
    }

    [Fact]
    public async Task RulesBuiltInTheBuilderAreSavedAndMatchAnIdentityInTheEngine()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("banner", InitialValue: FlagValue.FromString("plain")), Token);
        var rules = new List<RuleDraft>();
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));
        cut.Find("[data-testid=add-rule]").Click();
        cut.Find("input[data-testid=condition-property]").Change("plan");
        ChooseOperator(cut, "rules[0].conditions[0]", Operators.In);
        cut.Find("input[data-testid=condition-in-input]").Input("gold,platinum");
        cut.Find("input[data-testid=condition-in-input]").KeyDown(Bunit.Key.Enter);

        var segment = await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("premium", null, cut.Instance.ToRules()), Token);
        await core.Segments.CreateOverrideAsync(seeded.EnvironmentIds[0], feature.Id, segment.Id, true, FlagValue.FromString("premium"), Token);
        var gold = await core.Segments.EvaluateIdentityAsync(seeded.EnvironmentIds[0], "ann", new Dictionary<string, FlagValue> { ["plan"] = FlagValue.FromString("platinum") }, Token);
        var free = await core.Segments.EvaluateIdentityAsync(seeded.EnvironmentIds[0], "bob", new Dictionary<string, FlagValue> { ["plan"] = FlagValue.FromString("free") }, Token);

        Assert.Equal(["premium"], gold.MatchedSegments);
        var flag = Assert.Single(gold.Flags);
        Assert.Equal(("\"premium\"", "TARGETING_MATCH; segment=premium"), (flag.ValueJson, flag.Reason));
        Assert.Empty(free.MatchedSegments);
        Assert.Equal(("\"plain\"", "DEFAULT"), (free.Flags[0].ValueJson, free.Flags[0].Reason));
    }

    [Fact]
    public void ARegexThatOnlyTheBacktrackingEngineRunsIsWarnedAbout()
    {
        var rules = new List<RuleDraft> { Group(new ConditionDraft { Property = "email", Operator = Operators.Regex, Value = ".*@example\\.com$" }) };
        var cut = Render<RuleBuilder>(p => p.Add(c => c.Rules, rules));
        Assert.Empty(cut.FindAll("[data-testid=condition-regex-backtracking]"));

        cut.Find("input[data-testid=condition-value]").Change("(?P<c>\\w)(?P=c)");

        Assert.Contains("backtracking", cut.Find("[data-testid=condition-regex-backtracking]").TextContent, StringComparison.Ordinal);

        cut.Find("input[data-testid=condition-value]").Change("(?P<c>\\w)+@");

        Assert.Empty(cut.FindAll("[data-testid=condition-regex-backtracking]"));
    }

    private static RuleDraft Group(ConditionDraft condition)
    {
        var group = new RuleDraft();
        group.Conditions.Add(condition);
        return group;
    }

    private static void ChooseOperator(IRenderedComponent<RuleBuilder> cut, string path, string @operator)
    {
        var editor = cut.FindComponents<ConditionEditor>().Single(c => c.Instance.Path == path);
        var select = editor.FindComponent<MudSelect<string>>();
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(@operator)).GetAwaiter().GetResult();
    }

    private static void SetType(IRenderedComponent<RuleBuilder> cut, string path, RuleType type)
    {
        var group = cut.FindComponents<RuleGroupEditor>().Single(c => c.Instance.Path == path);
        var select = group.FindComponent<MudSelect<RuleType>>();
        cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(type)).GetAwaiter().GetResult();
    }
}
