using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// A REGEX condition's pattern, with what a timeout report names. A timeout (only possible on the
/// backtracking engine) answers no match, as Flagsmith's engine would never do, so it is never silent:
/// it is logged with the segment and the condition, and counted in <see cref="EngineMetrics"/>.
/// </summary>
internal sealed partial class CompiledRegex(PythonPattern pattern, SegmentContext segment, string property, ILogger logger)
{
    public PythonPattern Pattern { get; } = pattern;

    public bool Matches(ReadOnlySpan<char> input)
    {
        try
        {
            return Pattern.MatchesAtStart(input);
        }
        catch (RegexMatchTimeoutException exception)
        {
            EngineMetrics.RecordRegexTimeout();
            // The trait's value is left out: it may be personal data.
            LogTimeout(logger, exception.MatchTimeout.TotalMilliseconds, segment.Name, segment.Key, property, Pattern.Source, input.Length);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "A REGEX condition ran past its {LimitMs} ms limit and answered no match: segment '{SegmentName}' (key {SegmentKey}), property '{Property}', pattern '{Pattern}', on a value of {Length} characters. The pattern needs the backtracking engine; rewrite it without back-references or look-arounds.")]
    private static partial void LogTimeout(ILogger logger, double limitMs, string segmentName, string segmentKey, string property, string pattern, int length);
}
