using System.Diagnostics.Metrics;

namespace FlagDashboard.Core.Engine;

/// <summary>What the engine counts for operators: the process's totals, also published on a <see cref="Meter"/>.</summary>
public static class EngineMetrics
{
    public const string MeterName = "FlagDashboard.Engine";

    private static readonly Meter Meter = new(MeterName);
    private static readonly Counter<long> RegexTimeoutCounter = Meter.CreateCounter<long>(
        "flagdashboard.engine.regex_timeouts", unit: "{timeout}", description: "REGEX conditions that ran past the backtracking limit and answered no match.");

    private static long _regexTimeouts;

    /// <summary>REGEX matches that ran past <see cref="PythonRegex.BacktrackingLimit"/> since the process started.</summary>
    public static long RegexTimeouts => Interlocked.Read(ref _regexTimeouts);

    internal static void RecordRegexTimeout()
    {
        Interlocked.Increment(ref _regexTimeouts);
        RegexTimeoutCounter.Add(1);
    }
}
