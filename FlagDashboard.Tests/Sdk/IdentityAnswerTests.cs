using System.Buffers;
using System.Text.Json;
using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Sdk;
using static FlagDashboard.Tests.Engine.EngineTestContexts;

namespace FlagDashboard.Tests.Sdk;

/// <summary>The identity answer written straight from the engine's buffers says what the engine's result says.</summary>
public sealed class IdentityAnswerTests
{
    private static readonly EvaluationContext Context = new()
    {
        Environment = new EnvironmentContext("client-key", "Production"),
        Features =
        [
            new FeatureContext("1", "banner", true, EngineValue.FromString("off")),
            new FeatureContext("2", "colour", true, EngineValue.FromString("grey"))
            {
                Variants = [new VariantContext(EngineValue.FromString("red"), EngineValue.FromInteger(50), 1) { Key = "r" }, new VariantContext(EngineValue.FromString("blue"), EngineValue.FromInteger(50), 2)],
            },
            new FeatureContext("3", "limit", false, EngineValue.FromInteger(5)),
        ],
        Segments =
        [
            Segment("10", "gold plan", All(Condition("plan", "EQUAL", "gold"))) with
            {
                Overrides = [new FeatureContext("1", "banner", true, EngineValue.FromString("on"))],
            },
            Segment("11", "by key", All(Condition("$.identity.key", "REGEX", "client-key_user-\\d+$"))) with
            {
                Overrides = [new FeatureContext("3", "limit", true, EngineValue.FromInteger(50))],
            },
        ],
    };

    private static SdkEnvironment Environment(bool hideDisabled = false) => new(new EnvironmentData(
        9, 2, 1, "client-key", new HashSet<string>(), hideDisabled, DateTimeOffset.UnixEpoch,
        [
            new SdkFeature(1, "banner", FeatureType.Standard, null, true, FlagValue.FromString("off"), 101),
            new SdkFeature(2, "colour", FeatureType.Multivariate, null, true, FlagValue.FromString("grey"), 102),
            new SdkFeature(3, "limit", FeatureType.Standard, null, false, FlagValue.FromInteger(5), 103),
        ],
        Context));

    private static JsonElement Answer(SdkEnvironment environment, SdkIdentity identity)
    {
        var output = new ArrayBufferWriter<byte>();
        environment.WriteIdentityAnswer(output, identity);
        return JsonDocument.Parse(output.WrittenMemory).RootElement.Clone();
    }

    private static SdkIdentity Identity(string identifier, params SdkTrait[] traits) => new(42, identifier, traits, []);

    [Theory]
    [InlineData("user-1", "gold")]
    [InlineData("user-2", "free")]
    [InlineData("someone", "gold")]
    [InlineData("user-77", null)]
    public void TheAnswerHasTheEnginesFlagsForTheIdentityAndItsTraits(string identifier, string? plan)
    {
        var environment = Environment();
        SdkTrait[] traits = plan is null ? [] : [new SdkTrait("plan", FlagValue.FromString(plan)), new SdkTrait("seen", FlagValue.FromDouble(2.5), Transient: true)];
        var expected = environment.Engine.Evaluate(new IdentityContext(identifier)
        {
            Key = $"client-key_{identifier}",
            Traits = traits.ToDictionary(t => t.Key, t => t.Value.ToEngineValue()),
        });

        var answer = Answer(environment, Identity(identifier, traits));

        Assert.Equal(identifier, answer.GetProperty("identifier").GetString());
        var flags = answer.GetProperty("flags").EnumerateArray().ToList();
        Assert.Equal(3, flags.Count);
        foreach (var flag in flags)
        {
            var name = flag.GetProperty("feature").GetProperty("name").GetString()!;
            Assert.Equal(expected[name].Enabled, flag.GetProperty("enabled").GetBoolean());
            Assert.Equal(expected[name].Value.ToJson(), flag.GetProperty("feature_state_value").GetRawText());
            Assert.Equal(42, flag.GetProperty("identity").GetInt32());
            Assert.Equal(9, flag.GetProperty("environment").GetInt32());
        }

        var written = answer.GetProperty("traits").EnumerateArray().ToList();
        Assert.Equal(traits.Length, written.Count);
        for (var i = 0; i < traits.Length; i++)
        {
            Assert.Equal(traits[i].Key, written[i].GetProperty("trait_key").GetString());
            Assert.Equal(traits[i].Value.ToJson(), written[i].GetProperty("trait_value").GetRawText());
            Assert.Equal(traits[i].Transient, written[i].TryGetProperty("transient", out var transient) && transient.GetBoolean());
        }
    }

    [Fact]
    public void HiddenDisabledFlagsAreLeftOutOfTheAnswer()
    {
        var answer = Answer(Environment(hideDisabled: true), Identity("someone"));

        Assert.Equal(["banner", "colour"], answer.GetProperty("flags").EnumerateArray().Select(f => f.GetProperty("feature").GetProperty("name").GetString()));
    }

    [Fact]
    public void ALaterTraitOfTheSameNameWinsAsInADictionary()
    {
        var identity = Identity("someone", new SdkTrait("plan", FlagValue.FromString("free")), new SdkTrait("age", FlagValue.FromInteger(3)), new SdkTrait("plan", FlagValue.FromString("gold")));
        var traits = identity.ToContext().Traits;

        Assert.True(traits.TryGetValue("plan", out var plan));
        Assert.Equal("gold", plan.AsString);
        Assert.False(traits.ContainsKey("Plan"));
        Assert.Equal(["plan", "age"], traits.Keys);
        Assert.Equal("banner", Environment().Engine.Evaluate(identity.ToContext()).Flags[0].Name);
        Assert.Equal("on", Environment().Engine.Evaluate(identity.ToContext())["banner"].Value.AsString);
    }

    [Fact]
    public void EvaluatingIntoBuffersGivesTheSameAnswersAsTheResultObject()
    {
        var engine = Environment().Engine;
        var flags = new FlagResult[engine.FeatureCount + 3];
        var matched = new int[engine.SegmentCount];
        foreach (var identifier in new[] { "user-1", "user-22", "other", "user-333" })
        {
            var identity = new IdentityContext(identifier) { Traits = Traits(("plan", "\"gold\"")) };
            var result = engine.Evaluate(identity);

            var count = engine.Evaluate(identity, null, flags, matched);

            Assert.Equal<FlagResult>(result.Flags, flags[..engine.FeatureCount]);
            Assert.Equal<SegmentResult>(result.Segments, matched[..count].Select(engine.SegmentResultAt));
        }
    }
}
