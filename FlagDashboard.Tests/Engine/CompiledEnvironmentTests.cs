using System.Text.Json;
using FlagDashboard.Core.Engine;
using static FlagDashboard.Tests.Engine.EngineTestContexts;

namespace FlagDashboard.Tests.Engine;

public sealed class CompiledEnvironmentTests
{
    private static readonly ConditionContext AlwaysTrue = Condition("$.identity.identifier", "IS_SET", "");
    private static readonly ConditionContext AlwaysFalse = Condition("missing", "IS_SET", "");

    private static FeatureContext Feature(string key, string name, EngineValue value, bool enabled = true) => new(key, name, enabled, value);

    private static EvaluationResult Evaluate(IdentityContext? identity, IReadOnlyList<SegmentContext> segments, params FeatureContext[] features) =>
        CompiledEnvironment.Compile(new EvaluationContext { Environment = TestEnvironment, Segments = segments, Features = features }).Evaluate(identity);

    private static bool SegmentMatches(params RuleContext[] rules) =>
        Evaluate(Identity(), [Segment("1", "s", rules)]).Segments.Count == 1;

    [Fact]
    public void ASegmentWithoutRulesNeverMatches()
    {
        Assert.False(SegmentMatches());
    }

    [Theory]
    [InlineData("ALL")]
    [InlineData("ANY")]
    [InlineData("NONE")]
    [InlineData("SOMETHING")]
    public void ARuleWithEmptyListsMatchesWhateverItsType(string type)
    {
        Assert.True(SegmentMatches(new RuleContext(type)));
    }

    [Theory]
    [InlineData("ALL", true, true, true)]
    [InlineData("ALL", true, false, false)]
    [InlineData("ANY", false, true, true)]
    [InlineData("ANY", false, false, false)]
    [InlineData("NONE", false, false, true)]
    [InlineData("NONE", true, false, false)]
    [InlineData("SOMETHING", true, true, false)]
    public void ARuleJudgesItsConditionsByItsType(string type, bool first, bool second, bool expected)
    {
        var rule = new RuleContext(type) { Conditions = [first ? AlwaysTrue : AlwaysFalse, second ? AlwaysTrue : AlwaysFalse] };

        Assert.Equal(expected, SegmentMatches(rule));
    }

    [Fact]
    public void NestedRulesAreJudgedByTheirParentsType()
    {
        var anyOfFalseAndTrue = new RuleContext("ANY") { Conditions = [AlwaysFalse, AlwaysTrue] };
        var noneOfFalse = new RuleContext("NONE") { Conditions = [AlwaysFalse] };
        var allOfFalse = new RuleContext("ALL") { Conditions = [AlwaysFalse] };

        Assert.True(SegmentMatches(new RuleContext("ALL") { Rules = [anyOfFalseAndTrue, noneOfFalse] }));
        Assert.False(SegmentMatches(new RuleContext("ALL") { Rules = [anyOfFalseAndTrue, allOfFalse] }));
        Assert.True(SegmentMatches(new RuleContext("ANY") { Rules = [allOfFalse, anyOfFalseAndTrue] }));
        Assert.False(SegmentMatches(new RuleContext("NONE") { Rules = [allOfFalse, anyOfFalseAndTrue] }));
        Assert.True(SegmentMatches(new RuleContext("NONE") { Rules = [allOfFalse] }));
    }

    [Fact]
    public void ARuleNeedsBothItsConditionsAndItsSubRules()
    {
        Assert.False(SegmentMatches(new RuleContext("ALL") { Conditions = [AlwaysTrue], Rules = [new RuleContext("ANY") { Conditions = [AlwaysFalse] }] }));
        Assert.False(SegmentMatches(new RuleContext("ANY") { Conditions = [AlwaysTrue], Rules = [new RuleContext("ALL") { Conditions = [AlwaysFalse] }] }));
        Assert.True(SegmentMatches(new RuleContext("ANY") { Conditions = [AlwaysTrue], Rules = [new RuleContext("ALL") { Conditions = [AlwaysTrue] }] }));
    }

    [Fact]
    public void EveryTopLevelRuleMustMatch()
    {
        Assert.False(SegmentMatches(new RuleContext("ALL") { Conditions = [AlwaysTrue] }, new RuleContext("ALL") { Conditions = [AlwaysFalse] }));
        Assert.True(SegmentMatches(new RuleContext("ALL") { Conditions = [AlwaysTrue] }, new RuleContext("ANY") { Conditions = [AlwaysTrue, AlwaysFalse] }));
    }

    [Fact]
    public void ASplitIsNotHashedWhenACheaperConditionAlreadyDecidedTheRule()
    {
        // hash(["4", "env_user"]) = 8.701740348069615 (Python's hashlib), under the threshold.
        var split = Condition("", "PERCENTAGE_SPLIT", "50");
        var context = new EvaluationContext
        {
            Environment = TestEnvironment,
            Segments =
            [
                Segment("1", "all-decided", new RuleContext("ALL") { Conditions = [split, AlwaysFalse] }),
                Segment("2", "any-decided", new RuleContext("ANY") { Conditions = [split, AlwaysTrue] }),
                Segment("3", "none-decided", new RuleContext("NONE") { Conditions = [split, AlwaysTrue] }),
                Segment("4", "needs-the-split", new RuleContext("ALL") { Conditions = [split, AlwaysTrue] }),
            ],
        };
        var compiled = CompiledEnvironment.Compile(context);

        var before = PercentageHash.HashCountOnThisThread;
        var result = compiled.Evaluate(Identity());
        var hashes = PercentageHash.HashCountOnThisThread - before;

        Assert.Equal(["any-decided", "needs-the-split"], result.Segments.Select(s => s.Name));
        Assert.Equal(1, hashes);
    }

    [Fact]
    public void ManySplitsOnTheIdentityKeyEachUseTheirOwnSegmentsHash()
    {
        // Splits are hashed eight at a time; every segment must still see the hash of its own key.
        var segments = Enumerable.Range(0, 19).Select(i =>
            Segment(i == 7 ? new string('s', 60) : $"split-{i}", $"s{i}", All(Condition("", "PERCENTAGE_SPLIT", "50")))).ToArray();
        var compiled = CompiledEnvironment.Compile(new EvaluationContext { Environment = TestEnvironment, Segments = segments });

        foreach (var identifier in new[] { "alice", "bob", "carol", "dave", "erin" })
        {
            var matched = compiled.Evaluate(Identity(identifier)).Segments.Select(s => s.Name);

            var expected = segments.Where(s => PercentageHash.Percentage(s.Key, $"env_{identifier}") <= 50).Select(s => s.Name);
            Assert.Equal(expected, matched);
        }
    }

    [Fact]
    public void SplitThresholdsOutsideZeroToOneHundredNeedNoHash()
    {
        var context = new EvaluationContext
        {
            Environment = TestEnvironment,
            Segments =
            [
                Segment("1", "everyone", All(Condition("", "PERCENTAGE_SPLIT", "100"))),
                Segment("2", "above", All(Condition("", "PERCENTAGE_SPLIT", "250.5"))),
                Segment("3", "nobody", All(Condition("", "PERCENTAGE_SPLIT", "-1"))),
                Segment("4", "inf", All(Condition("", "PERCENTAGE_SPLIT", "inf"))),
                Segment("5", "nan", All(Condition("", "PERCENTAGE_SPLIT", "nan"))),
            ],
        };
        var compiled = CompiledEnvironment.Compile(context);

        var before = PercentageHash.HashCountOnThisThread;
        var result = compiled.Evaluate(Identity());

        Assert.Equal(0, PercentageHash.HashCountOnThisThread - before);
        Assert.Equal(["everyone", "above", "inf"], result.Segments.Select(s => s.Name));
    }

    [Fact]
    public void MatchedSegmentsAreListedInDocumentOrder()
    {
        var result = Evaluate(Identity(), [Segment("9", "b", All(AlwaysTrue)), Segment("1", "a", All(AlwaysFalse)), Segment("5", "c", All(AlwaysTrue))]);

        Assert.Equal(["b", "c"], result.Segments.Select(s => s.Name));
    }

    [Fact]
    public void AFeatureWithoutOverridesGivesItsOwnValueWithReasonDefault()
    {
        var result = Evaluate(Identity(), [], Feature("1", "banner", "hello", enabled: false));

        var flag = result["banner"];
        Assert.False(flag.Enabled);
        Assert.Equal(EngineValue.FromString("hello"), flag.Value);
        Assert.Equal("DEFAULT", flag.Reason);
        Assert.Null(flag.Variant);
    }

    [Fact]
    public void TheLowestPriorityOverrideWins()
    {
        var segments = new[]
        {
            Segment("1", "second-choice", All(AlwaysTrue)) with { Overrides = [Feature("10", "f", "from-2") with { Priority = 2 }] },
            Segment("2", "first-choice", All(AlwaysTrue)) with { Overrides = [Feature("11", "f", "from-1") with { Priority = 1 }] },
            Segment("3", "not-matched", All(AlwaysFalse)) with { Overrides = [Feature("12", "f", "from-0") with { Priority = 0 }] },
        };

        var flag = Evaluate(Identity(), segments, Feature("1", "f", "default"))["f"];

        Assert.Equal(EngineValue.FromString("from-1"), flag.Value);
        Assert.Equal("TARGETING_MATCH; segment=first-choice", flag.Reason);
    }

    [Fact]
    public void OnATieTheFirstSegmentSeenKeepsThePick()
    {
        var segments = new[]
        {
            Segment("1", "first", All(AlwaysTrue)) with { Overrides = [Feature("10", "f", "first", enabled: false) with { Priority = 1 }] },
            Segment("2", "second", All(AlwaysTrue)) with { Overrides = [Feature("11", "f", "second") with { Priority = 1 }] },
        };

        var flag = Evaluate(Identity(), segments, Feature("1", "f", "default"))["f"];

        Assert.Equal(EngineValue.FromString("first"), flag.Value);
        Assert.False(flag.Enabled);
        Assert.Equal("TARGETING_MATCH; segment=first", flag.Reason);
    }

    [Fact]
    public void AMissingPriorityIsInfinitySoAnyNumberBeatsIt()
    {
        var segments = new[]
        {
            Segment("1", "no-priority", All(AlwaysTrue)) with { Overrides = [Feature("10", "f", "none")] },
            Segment("2", "also-none", All(AlwaysTrue)) with { Overrides = [Feature("11", "f", "none-2")] },
            Segment("3", "numbered", All(AlwaysTrue)) with { Overrides = [Feature("12", "f", "numbered") with { Priority = 1e300 }] },
        };

        Assert.Equal(EngineValue.FromString("numbered"), Evaluate(Identity(), segments, Feature("1", "f", "default"))["f"].Value);
        Assert.Equal(EngineValue.FromString("none"), Evaluate(Identity(), segments[..2], Feature("1", "f", "default"))["f"].Value);
    }

    [Fact]
    public void OverridesOfUnknownFeaturesAreIgnored()
    {
        var segments = new[] { Segment("1", "s", All(AlwaysTrue)) with { Overrides = [Feature("10", "ghost", "boo")] } };

        var result = Evaluate(Identity(), segments, Feature("1", "f", "default"));

        Assert.Equal(["f"], result.Flags.Select(f => f.Name));
        Assert.Equal("DEFAULT", result["f"].Reason);
        Assert.Single(result.Segments);
    }

    // hash(["12", "env_X"]) (Python's hashlib): alice 12.65253050610122, carol 15.433086617323466,
    // dave 32.19643928785757, bob 99.81996399279855. Sorted by priority: red [0, 13), blue [13, 43).
    private static readonly FeatureContext Colour = Feature("12", "colour", "grey") with
    {
        Variants =
        [
            new VariantContext("blue", EngineValue.FromNumberLiteral("30.0"), 5) { Key = "v-blue" },
            new VariantContext("red", 13, 1) { Key = "v-red" },
        ],
    };

    [Theory]
    [InlineData("alice", "red", "v-red", "SPLIT; weight=13")]
    [InlineData("carol", "blue", "v-blue", "SPLIT; weight=30.0")]
    [InlineData("dave", "blue", "v-blue", "SPLIT; weight=30.0")]
    [InlineData("bob", "grey", "control", "DEFAULT")]
    public void MultivariateValuesAreAllocatedByHashOfFeatureKeyAndIdentityKey(string identifier, string value, string variant, string reason)
    {
        var flag = Evaluate(Identity(identifier), [], Colour)["colour"];

        Assert.Equal(EngineValue.FromString(value), flag.Value);
        Assert.Equal(variant, flag.Variant);
        Assert.Equal(reason, flag.Reason);
    }

    [Fact]
    public void AVariantRangeExcludesItsUpperBound()
    {
        // alice hashes to exactly 12.65253050610122: not below red's limit, so the next variant takes her.
        var feature = Colour with
        {
            Variants = [new VariantContext("red", 12.65253050610122, 1) { Key = "v-red" }, new VariantContext("blue", 10, 2) { Key = "v-blue" }],
        };

        var flag = Evaluate(Identity("alice"), [], feature)["colour"];

        Assert.Equal("v-blue", flag.Variant);
        Assert.Equal("SPLIT; weight=10", flag.Reason);
    }

    [Fact]
    public void VariantsWithEqualPrioritiesKeepTheirListedOrder()
    {
        var feature = Colour with
        {
            Variants = [new VariantContext("first", 13, 1) { Key = "a" }, new VariantContext("second", 13, 1) { Key = "b" }],
        };

        Assert.Equal("a", Evaluate(Identity("alice"), [], feature)["colour"].Variant);   // 12.65 in [0, 13)
        Assert.Equal("b", Evaluate(Identity("carol"), [], feature)["colour"].Variant);   // 15.43 in [13, 26)
    }

    [Fact]
    public void ManyMultivariateFeaturesEachGetTheVariantOfTheirOwnHash()
    {
        // Enough features to fill the eight-lane batch hash twice and leave a remainder; a long key goes alone.
        var features = Enumerable.Range(0, 21).Select(i => Feature(i == 20 ? new string('k', 60) : $"mv-{i}", $"f{i}", "none") with
        {
            Variants =
            [
                new VariantContext("low", 25, 1) { Key = "low" },
                new VariantContext("mid", 25, 2) { Key = "mid" },
                new VariantContext("high", 25, 3) { Key = "high" },
            ],
        }).ToArray();

        foreach (var identifier in new[] { "alice", "bob", "carol", "dave" })
        {
            var result = Evaluate(Identity(identifier), [], features);

            foreach (var feature in features)
            {
                var percentage = PercentageHash.Percentage(feature.Key, $"env_{identifier}");
                var expected = percentage switch { < 25 => "low", < 50 => "mid", < 75 => "high", _ => "control" };
                Assert.Equal(expected, result[feature.Name].Variant);
            }
        }
    }

    [Fact]
    public void WithoutAnIdentityVariantsAreNotUsed()
    {
        var flag = Evaluate(null, [], Colour)["colour"];

        Assert.Equal(EngineValue.FromString("grey"), flag.Value);
        Assert.Null(flag.Variant);
        Assert.Equal("DEFAULT", flag.Reason);
    }

    [Fact]
    public void AVariantWithoutAKeyHasANullVariantButASplitReason()
    {
        var feature = Colour with { Variants = [new VariantContext("red", 50, 1)] };

        var flag = Evaluate(Identity("alice"), [], feature)["colour"];

        Assert.Equal(EngineValue.FromString("red"), flag.Value);
        Assert.Null(flag.Variant);
        Assert.Equal("SPLIT; weight=50", flag.Reason);
    }

    [Fact]
    public void AnOverridesVariantsAreHashedWithTheOverridesOwnKey()
    {
        // hash(["7", "env_alice"]) = 34.31686337267453, hash(["7", "env_bob"]) = 82.40648129625924.
        var segment = Segment("1", "beta", All(AlwaysTrue)) with
        {
            Overrides = [Feature("7", "colour", "seg-grey") with { Variants = [new VariantContext("seg-red", 50, 1) { Key = "sr" }] }],
        };

        var alice = Evaluate(Identity("alice"), [segment], Colour)["colour"];
        var bob = Evaluate(Identity("bob"), [segment], Colour)["colour"];

        Assert.Equal(("seg-red", "sr", "SPLIT; weight=50"), (alice.Value.AsString, alice.Variant, alice.Reason));
        Assert.Equal(("seg-grey", "control", "TARGETING_MATCH; segment=beta"), (bob.Value.AsString, bob.Variant, bob.Reason));
    }

    [Fact]
    public void TheIdentityKeyDefaultsToEnvironmentKeyAndIdentifier()
    {
        var segments = new[] { Segment("1", "keyed", All(Condition("$.identity.key", "EQUAL", "env_user"))) };

        Assert.Single(Evaluate(Identity("user"), segments).Segments);
        Assert.Single(Evaluate(new IdentityContext("user") { Key = "" }, segments).Segments);
        Assert.Empty(Evaluate(new IdentityContext("user") { Key = "custom" }, segments).Segments);
    }

    [Fact]
    public void AnExplicitIdentityKeyIsWhatVariantsHash()
    {
        // A key of "env_alice" for identifier "zed" hashes as alice does.
        var flag = Evaluate(new IdentityContext("zed") { Key = "env_alice" }, [], Colour)["colour"];

        Assert.Equal("v-red", flag.Variant);
    }

    [Fact]
    public void MetadataComesFromThePickedOverrideOrTheFeatureAndOnlyWhenNonEmpty()
    {
        var featureMetadata = JsonDocument.Parse("{\"owner\":\"web\"}").RootElement;
        var overrideMetadata = JsonDocument.Parse("{\"ticket\":42}").RootElement;
        var empty = JsonDocument.Parse("{}").RootElement;
        var segments = new[]
        {
            Segment("1", "s", All(AlwaysTrue)) with
            {
                Metadata = JsonDocument.Parse("{\"team\":\"growth\"}").RootElement,
                Overrides = [Feature("10", "with-override-metadata", 1) with { Metadata = overrideMetadata }, Feature("11", "override-without", 2)],
            },
            Segment("2", "t", All(AlwaysTrue)) with { Metadata = empty },
        };

        var result = Evaluate(Identity(), segments,
            Feature("1", "with-override-metadata", 0) with { Metadata = featureMetadata },
            Feature("2", "override-without", 0) with { Metadata = featureMetadata },
            Feature("3", "plain", 0) with { Metadata = featureMetadata },
            Feature("4", "empty", 0) with { Metadata = empty });

        Assert.Equal("{\"ticket\":42}", result["with-override-metadata"].Metadata?.GetRawText());
        Assert.Null(result["override-without"].Metadata);
        Assert.Equal("{\"owner\":\"web\"}", result["plain"].Metadata?.GetRawText());
        Assert.Null(result["empty"].Metadata);
        Assert.Equal("{\"team\":\"growth\"}", result.Segments[0].Metadata?.GetRawText());
        Assert.Null(result.Segments[1].Metadata);
    }

    [Fact]
    public void IdentityOverridesApplyOnTopByExactIdentifier()
    {
        var segments = new[]
        {
            Segment("1", "everyone", All(AlwaysTrue)) with { Overrides = [Feature("10", "f", "segment") with { Priority = double.NegativeInfinity }] },
        };
        var context = new EvaluationContext { Environment = TestEnvironment, Segments = segments, Features = [Feature("1", "f", "default"), Feature("2", "g", "default-g")] };
        var overrides = new Dictionary<string, IReadOnlyList<FeatureContext>> { ["007"] = [Feature("99", "f", "mine", enabled: false)] };
        var compiled = CompiledEnvironment.Compile(context, overrides);

        var agent = compiled.Evaluate(Identity("007"));
        var seven = compiled.Evaluate(Identity("7"));

        Assert.Equal(("mine", false, "TARGETING_MATCH; segment=identity_overrides"), (agent["f"].Value.AsString, agent["f"].Enabled, agent["f"].Reason));
        Assert.Equal(["everyone"], agent.Segments.Select(s => s.Name));
        Assert.Equal("DEFAULT", agent["g"].Reason);
        Assert.Equal(("segment", "TARGETING_MATCH; segment=everyone"), (seven["f"].Value.AsString, seven["f"].Reason));
    }

    [Fact]
    public void IdentityOverridesCanBeGivenPerEvaluation()
    {
        var compiled = CompiledEnvironment.Compile(new EvaluationContext { Environment = TestEnvironment, Features = [Feature("1", "f", "default")] });

        var result = compiled.Evaluate(Identity("u"), [Feature("5", "f", 3), Feature("6", "unknown", 4)]);

        Assert.Equal(EngineValue.FromInteger(3), result["f"].Value);
        Assert.Equal("TARGETING_MATCH; segment=identity_overrides", result["f"].Reason);
        Assert.Single(result.Flags);
        Assert.Empty(result.Segments);
    }

    [Fact]
    public void AnIdentityOverridesSegmentInAContextIsAnOrdinarySegment()
    {
        // The SDKs' form: identifier IN "...", priority -infinity. "007" becomes the integer 7 and is compared as "7".
        var segment = Segment("io", "identity_overrides", All(Condition("$.identity.identifier", "IN", "alice,007"))) with
        {
            Overrides = [Feature("f1", "f", "overridden") with { Priority = double.NegativeInfinity }],
        };
        var other = Segment("o", "other", All(AlwaysTrue)) with { Overrides = [Feature("f2", "f", "other") with { Priority = -1e308 }] };

        var alice = Evaluate(Identity("alice"), [other, segment], Feature("1", "f", "default"));
        var agent = Evaluate(Identity("007"), [other, segment], Feature("1", "f", "default"));

        Assert.Equal(("overridden", "TARGETING_MATCH; segment=identity_overrides"), (alice["f"].Value.AsString, alice["f"].Reason));
        Assert.Equal(["other", "identity_overrides"], alice.Segments.Select(s => s.Name));
        Assert.Equal("other", agent["f"].Value.AsString);
    }

    [Fact]
    public void EnvironmentFlagsEvaluateNoSegment()
    {
        var segments = new[] { Segment("1", "s", All(new ConditionContext("x", "IS_NOT_SET", ""))) with { Overrides = [Feature("10", "f", "segment")] } };
        var compiled = CompiledEnvironment.Compile(new EvaluationContext { Environment = TestEnvironment, Segments = segments, Features = [Colour, Feature("1", "f", "default")] });

        var result = compiled.EnvironmentFlags();

        Assert.Equal(["grey", "default"], result.Flags.Select(f => f.Value.AsString));
        Assert.All(result.Flags, f => Assert.Equal("DEFAULT", f.Reason));
        Assert.Empty(result.Segments);
    }

    [Fact]
    public void OneCompiledEnvironmentEvaluatesManyIdentitiesIndependently()
    {
        var compiled = CompiledEnvironment.Compile(new EvaluationContext
        {
            Environment = TestEnvironment,
            Segments = [Segment("1", "gold", All(Condition("plan", "EQUAL", "gold")))],
            Features = [Colour],
        });

        var results = new[] { "alice", "bob", "carol" }.Select(id => compiled.Evaluate(Identity(id, ("plan", id == "bob" ? "\"gold\"" : "\"free\"")))).ToList();

        Assert.Equal(["v-red", "control", "v-blue"], results.Select(r => r["colour"].Variant));
        Assert.Equal([0, 1, 0], results.Select(r => r.Segments.Count));
    }
}
