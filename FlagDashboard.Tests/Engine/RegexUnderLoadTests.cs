using FlagDashboard.Core.Engine;
using static FlagDashboard.Tests.Engine.EngineTestContexts;

namespace FlagDashboard.Tests.Engine;

/// <summary>
/// A REGEX answer must not depend on how busy the machine is: freshly compiled patterns (the server
/// compiles them again on every environment change), evaluated while stress-ng keeps every core busy.
/// Runs alone, after the parallel tests: the hog would slow every test running beside it.
/// </summary>
[Collection(Name)]
public sealed class RegexUnderLoadTests
{
    public const string Name = "Under a CPU hog";

    private const int Rounds = 40;

    // Linear-engine patterns and backtracking-only ones, each with an identity that matches and one that does not.
    private static readonly (string Pattern, string Matching, string NotMatching)[] Patterns =
    [
        (".*@(example|flagdashboard)\\.com$", "user.1@example.com", "user.1@example.org"),
        ("[a-z]+\\.\\d+@", "user.12@x", "User12@x"),
        ("(?P<v>\\d+)\\.\\d+\\.\\d+\\Z", "12.0.3", "12.0.3\n"),
        ("(a+)+$", "aaaaaaaaaaaaaaaaaaaaaaaaa", "aaaaaaaaaaaaaaaaaaaaaaaa!"),
        ("(?P<c>[a-z])(?P=c)", "xxy", "xyz"),
        ("(?!test-)\\w+-\\d+$", "prod-7", "test-7"),
        ("(?=[A-Z]{2}-)(?>[A-Z]+)-\\d", "GB-1", "G-1"),
    ];

    [Fact]
    public async Task FreshlyCompiledRegexesGiveTheRightAnswerEveryTimeUnderACpuHog()
    {
        Assert.SkipUnless(File.Exists(CpuHog.StressNgPath), $"{CpuHog.StressNgPath} is missing: scripts/test.sh installs Debian's stress-ng package.");
        var logger = new RecordingLogger();
        using var hog = CpuHog.Start(bound: TimeSpan.FromSeconds(90));
        await hog.WaitUntilBusyAsync(TestContext.Current.CancellationToken);

        var wrong = new List<string>();
        for (var round = 0; round < Rounds; round++)
        {
            // A new segment key each round: nothing compiled in an earlier round can be reused.
            var segments = Patterns.Select((p, i) => Segment($"{round}-{i}", $"segment {i}", All(Condition("trait", "REGEX", p.Pattern)))).ToList();
            var compiled = CompiledEnvironment.Compile(new EvaluationContext { Environment = TestEnvironment, Segments = segments }, new CompileOptions { Logger = logger });
            for (var i = 0; i < Patterns.Length; i++)
            {
                var (pattern, matching, notMatching) = Patterns[i];
                if (!Matched(compiled, i, matching))
                {
                    wrong.Add($"round {round}: {pattern} did not match {matching}");
                }

                if (Matched(compiled, i, notMatching))
                {
                    wrong.Add($"round {round}: {pattern} matched {notMatching}");
                }
            }
        }

        Assert.Empty(wrong);
        Assert.Empty(logger.Entries);
    }

    private static bool Matched(CompiledEnvironment compiled, int segment, string value) =>
        compiled.Evaluate(new IdentityContext("user") { Traits = new Dictionary<string, EngineValue> { ["trait"] = EngineValue.FromString(value) } })
            .Segments.Any(s => s.Name == $"segment {segment}");
}

[CollectionDefinition(RegexUnderLoadTests.Name, DisableParallelization = true)]
public sealed class CpuHogCollection;
