using System.Text;
using System.Text.RegularExpressions;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// Runs a Python <c>re</c> pattern as <c>re.match</c> does (anchored at the start only) on .NET's engines,
/// translating the Python-only syntax: <c>(?P&lt;n&gt;</c>, <c>(?P=n)</c>, <c>\Z</c> and <c>{,n}</c>.
/// A pattern the linear-time engine can run (no back-reference, look-around, atomic group or conditional)
/// runs there with no time limit, so its answer never depends on how busy the machine is; any other runs
/// on the backtracking engine, warmed when created, with a limit that only a pathological pattern reaches.
/// </summary>
public static class PythonRegex
{
    /// <summary>
    /// How long one backtracking match may run. Far above what a reasonable pattern takes on a short trait even
    /// on a machine busy many times over; a pattern with catastrophic backtracking reaches it on a few dozen characters.
    /// </summary>
    public static readonly TimeSpan BacktrackingLimit = TimeSpan.FromSeconds(2);

    // Long enough to reach the matching code of most patterns (a shorter input than the pattern's minimum
    // length is refused before it), varied enough to go past their first character test.
    private const string WarmUpText = "warm-up 0123456789 user.name@example.com 1.2.3-beta+7 AZaz_- ";

    /// <summary>The pattern ready to match, or null when it is invalid (a REGEX condition with it is false).</summary>
    /// <param name="compiled">On the backtracking path, compile to IL (slower to create, faster to run).</param>
    /// <param name="backtrackingLimit">The backtracking path's limit; <see cref="BacktrackingLimit"/> when null.</param>
    /// <param name="allowLinear">False to force the backtracking path (tests run every pattern form on both).</param>
    public static PythonPattern? TryCreate(string pattern, bool compiled = true, TimeSpan? backtrackingLimit = null, bool allowLinear = true)
    {
        string anchored;
        try
        {
            anchored = $"\\A(?:{Translate(pattern)})";
        }
        catch (ArgumentException)
        {
            return null;
        }

        if (allowLinear)
        {
            try
            {
                return new PythonPattern(pattern, new Regex(anchored, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking, Regex.InfiniteMatchTimeout));
            }
            catch (NotSupportedException)
            {
                // A construct only the backtracking engine has: fall through to it.
            }
            catch (ArgumentException)
            {
                // Invalid: the backtracking engine says so too, below.
            }
        }

        Regex regex;
        try
        {
            var options = RegexOptions.CultureInvariant | (compiled ? RegexOptions.Compiled : RegexOptions.None);
            regex = new Regex(anchored, options, backtrackingLimit ?? BacktrackingLimit);
        }
        catch (ArgumentException)
        {
            return null;
        }

        WarmUp(regex);
        return new PythonPattern(pattern, regex);
    }

    /// <summary>True when a valid pattern can only run on the backtracking engine (what the segment editor warns about).</summary>
    public static bool NeedsBacktracking(string pattern) => TryCreate(pattern, compiled: false) is { IsLinear: false };

    /// <summary>True when the pattern is valid Python <c>re</c> syntax as the engine reads it.</summary>
    public static bool IsValid(string pattern) => TryCreate(pattern, compiled: false) is not null;

    // The first match of a compiled pattern includes compiling its IL to machine code: 3-6 ms on a quiet
    // machine, hundreds on a busy one. Done here, it is paid before the environment is served.
    private static void WarmUp(Regex regex)
    {
        try
        {
            regex.IsMatch("");
            regex.IsMatch(WarmUpText);
        }
        catch (RegexMatchTimeoutException)
        {
            // Pathological on the warm-up text: matching will report it.
        }
    }

    internal static string Translate(string pattern)
    {
        var builder = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[i + 1];
                builder.Append(!inClass && next == 'Z' ? "\\z" : $"\\{next}");
                i++;
                continue;
            }

            if (inClass)
            {
                if (c == ']')
                {
                    inClass = false;
                }

                builder.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                builder.Append(c);
                // A ']' right after '[' or '[^' is a literal in both dialects.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    builder.Append('^');
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    builder.Append("\\]");
                    i++;
                }

                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P<", 0, 4) == 0)
            {
                builder.Append("(?<");
                i += 3;
                continue;
            }

            if (c == '(' && string.CompareOrdinal(pattern, i, "(?P=", 0, 4) == 0)
            {
                var close = pattern.IndexOf(')', i + 4);
                if (close < 0)
                {
                    throw new ArgumentException("Unterminated (?P= group.");
                }

                builder.Append("\\k<").Append(pattern, i + 4, close - i - 4).Append('>');
                i = close;
                continue;
            }

            if (c == '{' && i + 1 < pattern.Length && pattern[i + 1] == ',' && i > 0)
            {
                // Python reads x{,n} as x{0,n}; .NET would read it as literal text.
                var close = pattern.IndexOf('}', i);
                if (close > i + 2 && pattern.AsSpan(i + 2, close - i - 2).IndexOfAnyExceptInRange('0', '9') < 0)
                {
                    builder.Append("{0").Append(pattern, i + 1, close - i);
                    i = close;
                    continue;
                }
            }

            builder.Append(c);
        }

        return builder.ToString();
    }
}

/// <summary>A Python pattern ready to match at the start of a text, on one of .NET's two engines.</summary>
public sealed class PythonPattern
{
    internal PythonPattern(string source, Regex regex)
    {
        Source = source;
        Regex = regex;
    }

    /// <summary>The pattern as written (Python syntax).</summary>
    public string Source { get; }

    /// <summary>True on the linear-time engine (no time limit); false on the backtracking engine.</summary>
    public bool IsLinear => (Regex.Options & RegexOptions.NonBacktracking) != 0;

    internal Regex Regex { get; }

    /// <summary>True when the pattern matches at the start of <paramref name="input"/>.</summary>
    /// <exception cref="RegexMatchTimeoutException">On the backtracking engine, the match ran past its limit.</exception>
    public bool MatchesAtStart(ReadOnlySpan<char> input) => Regex.IsMatch(input);
}
