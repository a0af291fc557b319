using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

/// <summary>Small contexts built in code for the engine tests.</summary>
internal static class EngineTestContexts
{
    public static EnvironmentContext TestEnvironment { get; } = new("env", "Test environment");

    /// <summary>Traits from JSON literals, so that each test states the kind it means (<c>5</c>, <c>5.0</c>, <c>"5"</c>).</summary>
    public static Dictionary<string, EngineValue> Traits(params (string Name, string Json)[] traits) =>
        traits.ToDictionary(t => t.Name, t => EngineValue.FromJson(t.Json));

    public static IdentityContext Identity(string identifier = "user", params (string Name, string Json)[] traits) =>
        new(identifier) { Traits = Traits(traits) };

    public static SegmentContext Segment(string key, string name, params RuleContext[] rules) => new(key, name) { Rules = rules };

    public static RuleContext All(params ConditionContext[] conditions) => new("ALL") { Conditions = conditions };

    public static ConditionContext Condition(string property, string op, string value) => new(property, op, EngineValue.FromString(value));

    /// <summary>True when a one-condition segment matches the identity.</summary>
    public static bool Matches(ConditionContext condition, IdentityContext? identity, string segmentKey = "1")
    {
        var context = new EvaluationContext
        {
            Environment = TestEnvironment,
            Segments = [Segment(segmentKey, "segment", All(condition))],
        };

        return CompiledEnvironment.Compile(context).Evaluate(identity).Segments.Count == 1;
    }

    public static bool Matches(string op, string conditionValue, string? traitJson, string property = "trait")
    {
        var identity = traitJson is null ? Identity() : Identity("user", (property, traitJson));
        return Matches(Condition(property, op, conditionValue), identity);
    }
}
