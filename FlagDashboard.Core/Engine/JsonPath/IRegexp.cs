using System.Text;
using System.Text.RegularExpressions;

namespace FlagDashboard.Core.Engine.JsonPath;

/// <summary>I-Regexp (RFC 9485) for match() and search(), run by .NET's engine: '.' excludes only \n and \r.</summary>
internal static class IRegexp
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool), Regex?> Cache = new();

    public static Regex? Translate(string pattern, bool fullMatch) => Cache.GetOrAdd((pattern, fullMatch), static key =>
    {
        var (pattern, fullMatch) = key;
        var builder = new StringBuilder();
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                builder.Append(c).Append(pattern[++i]);
            }
            else if (c == '[')
            {
                inClass = true;
                builder.Append(c);
            }
            else if (c == ']')
            {
                inClass = false;
                builder.Append(c);
            }
            else if (c == '.' && !inClass)
            {
                builder.Append("[^\\n\\r]");
            }
            else
            {
                builder.Append(c);
            }
        }

        var translated = fullMatch ? $"\\A(?:{builder})\\z" : builder.ToString();
        try
        {
            return new Regex(translated, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    });
}
