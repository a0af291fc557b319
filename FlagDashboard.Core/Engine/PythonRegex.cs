using System.Text;
using System.Text.RegularExpressions;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// Runs a Python <c>re</c> pattern as <c>re.match</c> does (anchored at the start only) on .NET's engine,
/// translating the Python-only syntax: <c>(?P&lt;n&gt;</c>, <c>(?P=n)</c>, <c>\Z</c> and <c>{,n}</c>.
/// </summary>
public static class PythonRegex
{
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    /// <summary>The compiled pattern, or null when it is invalid (a REGEX condition with it is false).</summary>
    public static Regex? TryCreate(string pattern, bool compiled = true)
    {
        try
        {
            var options = RegexOptions.CultureInvariant | (compiled ? RegexOptions.Compiled : RegexOptions.None);
            return new Regex($"\\G(?:{Translate(pattern)})", options, MatchTimeout);
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    /// <summary>True when the pattern matches at the start of <paramref name="input"/>; a timeout is no match.</summary>
    public static bool MatchesAtStart(Regex regex, ReadOnlySpan<char> input)
    {
        try
        {
            return regex.IsMatch(input);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
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
