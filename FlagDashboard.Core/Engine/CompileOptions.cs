using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlagDashboard.Core.Engine;

/// <summary>How <see cref="CompiledEnvironment.Compile(EvaluationContext, CompileOptions, IReadOnlyDictionary{string, IReadOnlyList{FeatureContext}}?)"/> prepares a context.</summary>
public sealed record CompileOptions
{
    public static CompileOptions Default { get; } = new();

    /// <summary>
    /// Compile backtracking REGEX patterns to IL (slower to prepare, faster to run): right for an environment
    /// evaluated many times, wasteful for a single evaluation.
    /// </summary>
    public bool CompileRegexes { get; init; } = true;

    /// <summary>Where a REGEX condition that ran past its limit is reported.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>The backtracking engine's limit per match.</summary>
    public TimeSpan BacktrackingLimit { get; init; } = PythonRegex.BacktrackingLimit;
}
