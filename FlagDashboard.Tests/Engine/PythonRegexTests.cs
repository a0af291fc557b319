using FlagDashboard.Core.Engine;
using Microsoft.Extensions.Logging;
using static FlagDashboard.Tests.Engine.EngineTestContexts;

namespace FlagDashboard.Tests.Engine;

/// <summary>
/// The pattern forms engine.md names, on both of .NET's engines: the linear-time one (no time limit) that
/// runs every pattern it can, and the backtracking one that runs the rest. Both must answer as Python's
/// <c>re.match</c> does.
/// </summary>
public sealed class PythonRegexTests
{
    public static TheoryData<string, string, bool, bool> Forms()
    {
        (string Pattern, string Input, bool Expected)[] forms =
        [
            ("a", "abc", true),                 // anchored at the start only
            ("b", "abc", false),
            ("c$", "abc", false),
            (".*c$", "abc", true),
            ("abc$", "abc\n", true),            // $ matches before a final newline
            ("abc$", "abc\n\n", false),
            ("abc\\Z", "abc\n", false),         // Python's \Z is the very end
            ("abc\\Z", "abc", true),
            ("(?P<x>a)b", "ab", true),          // Python named groups
            ("a{,2}b", "aab", true),            // Python's {,n} is {0,n}
            ("a{,2}b", "aaab", false),
            ("ABC", "abc", false),              // case-sensitive
            ("[]a]", "]", true),                // ']' first in a class is a literal
            ("[^]a]", "b", true),
            ("a|b", "b", true),                 // a top-level alternative is anchored too
            ("x|^b", "ab", false),
            (".*@(example|flagdashboard)\\.com$", "user.1@example.com", true),
            ("[a-z]+\\.\\d+@", "User1@x", false),
            ("\\d+", "١٢", true),              // \d is any Unicode digit, as in Python 3
            ("(a+)+$", new string('a', 40) + "!", false), // catastrophic for a backtracking engine
        ];
        var data = new TheoryData<string, string, bool, bool>();
        foreach (var (pattern, input, expected) in forms)
        {
            data.Add(pattern, input, expected, true);
            data.Add(pattern, input, expected, false);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Forms))]
    public void EachPatternFormMatchesAsPythonOnBothEngines(string pattern, string input, bool expected, bool linear)
    {
        // The catastrophic pattern only gets a bounded check on the backtracking engine.
        var limit = pattern == "(a+)+$" ? TimeSpan.FromMilliseconds(1) : PythonRegex.BacktrackingLimit;
        var compiled = PythonRegex.TryCreate(pattern, backtrackingLimit: limit, allowLinear: linear);

        Assert.NotNull(compiled);
        Assert.Equal(linear, compiled.IsLinear);
        if (!linear && pattern == "(a+)+$")
        {
            Assert.Throws<System.Text.RegularExpressions.RegexMatchTimeoutException>(() => compiled.MatchesAtStart(input));
            return;
        }

        Assert.Equal(expected, compiled.MatchesAtStart(input));
    }

    [Theory]
    [InlineData("(?P<x>a)(?P=x)", "aab", true)]  // Python back-references
    [InlineData("(?P<x>a)(?P=x)", "abb", false)]
    [InlineData("(a)\\1", "aa", true)]
    [InlineData("(?=ab)a", "ab", true)]          // look-arounds
    [InlineData("(?!ab)a", "ab", false)]
    [InlineData("a(?<=a)b", "ab", true)]
    [InlineData("(?>a+)b", "aab", true)]         // atomic group
    [InlineData("(a)?(?(1)b|c)", "ab", true)]    // conditional
    [InlineData("(a)?(?(1)b|c)", "c", true)]
    public void PatternsOnlyTheBacktrackingEngineRunsGoThereAndMatchAsPython(string pattern, string input, bool expected)
    {
        var compiled = PythonRegex.TryCreate(pattern);

        Assert.NotNull(compiled);
        Assert.False(compiled.IsLinear);
        Assert.True(PythonRegex.NeedsBacktracking(pattern));
        Assert.Equal(expected, compiled.MatchesAtStart(input));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("(?P<x")]
    [InlineData("(?P=x")]
    [InlineData("a**")]
    public void AnInvalidPatternIsRefusedOnBothEngines(string pattern)
    {
        Assert.Null(PythonRegex.TryCreate(pattern, allowLinear: true));
        Assert.Null(PythonRegex.TryCreate(pattern, allowLinear: false));
        Assert.False(PythonRegex.IsValid(pattern));
        Assert.False(PythonRegex.NeedsBacktracking(pattern));
    }

    [Fact]
    public void APatternTheLinearEngineRunsNeedsNoWarning()
    {
        Assert.False(PythonRegex.NeedsBacktracking(".*@(example|flagdashboard)\\.com$"));
        Assert.False(PythonRegex.NeedsBacktracking("(?P<user>\\w+)@"));
    }

    [Fact]
    public void ATimeoutAnswersNoMatchAndIsLoggedWithTheSegmentAndConditionAndCounted()
    {
        var logger = new RecordingLogger();
        var context = new EvaluationContext
        {
            Environment = TestEnvironment,
            Segments = [Segment("77", "slow segment", All(Condition("email", "REGEX", "(?!b)(a+)+$")))],
        };
        var compiled = CompiledEnvironment.Compile(context, new CompileOptions { Logger = logger, BacktrackingLimit = TimeSpan.FromMilliseconds(20) });
        var before = EngineMetrics.RegexTimeouts;

        var result = compiled.Evaluate(Identity("user", ("email", $"\"{new string('a', 40)}!\"")));

        Assert.Empty(result.Segments);
        Assert.True(EngineMetrics.RegexTimeouts > before);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("slow segment", entry.Message, StringComparison.Ordinal);
        Assert.Contains("key 77", entry.Message, StringComparison.Ordinal);
        Assert.Contains("'email'", entry.Message, StringComparison.Ordinal);
        Assert.Contains("(?!b)(a+)+$", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(new string('a', 40), entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ACatastrophicPatternTheLinearEngineRunsAnswersWithoutATimeout()
    {
        var before = EngineMetrics.RegexTimeouts;

        Assert.True(Matches("REGEX", "(a+)+$", $"\"{new string('a', 40)}\""));
        Assert.False(Matches("REGEX", "(a+)+$", $"\"{new string('a', 40)}!\""));
        Assert.True(Matches("REGEX", "(?P<x>a)(?P=x)", "\"aa\""));
        Assert.Equal(before, EngineMetrics.RegexTimeouts);
    }
}
