using System.Globalization;
using System.Text;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// A strict SemVer 2.0.0 version, parsed as Python's <c>semver</c> 3 does: its regex ends in <c>$</c>, so
/// one final newline is tolerated, and its <c>\d</c> takes any Unicode decimal digit (after a first ASCII
/// 1-9). Precedence ignores build metadata.
/// </summary>
public readonly struct SemanticVersion
{
    private SemanticVersion(string major, string minor, string patch, string? prerelease, string? build)
    {
        Major = major;
        Minor = minor;
        Patch = patch;
        Prerelease = prerelease;
        Build = build;
    }

    /// <summary>The major version as ASCII decimal digits without leading zeros (of any size).</summary>
    public string Major { get; }

    public string Minor { get; }

    public string Patch { get; }

    public string? Prerelease { get; }

    public string? Build { get; }

    public static bool TryParse(string text, out SemanticVersion version)
    {
        version = default;
        var span = text.AsSpan();
        if (span.Length > 0 && span[^1] == '\n')
        {
            span = span[..^1];
        }

        var i = 0;
        if (!TryReadNumber(span, ref i, out var major) || !Expect(span, ref i, '.')
            || !TryReadNumber(span, ref i, out var minor) || !Expect(span, ref i, '.')
            || !TryReadNumber(span, ref i, out var patch))
        {
            return false;
        }

        string? prerelease = null;
        string? build = null;
        if (i < span.Length && span[i] == '-')
        {
            i++;
            var start = i;
            if (!TryReadIdentifiers(span, ref i, prerelease: true))
            {
                return false;
            }

            prerelease = span[start..i].ToString();
        }

        if (i < span.Length && span[i] == '+')
        {
            i++;
            var start = i;
            if (!TryReadIdentifiers(span, ref i, prerelease: false))
            {
                return false;
            }

            build = span[start..i].ToString();
        }

        if (i != span.Length)
        {
            return false;
        }

        version = new SemanticVersion(major, minor, patch, prerelease, build);
        return true;
    }

    /// <summary>SemVer precedence, as <c>semver.Version.compare</c>.</summary>
    public int CompareTo(SemanticVersion other)
    {
        var result = CompareNumbers(Major, other.Major);
        if (result == 0)
        {
            result = CompareNumbers(Minor, other.Minor);
        }

        if (result == 0)
        {
            result = CompareNumbers(Patch, other.Patch);
        }

        if (result != 0)
        {
            return result;
        }

        var prereleaseOrder = ComparePrerelease(Prerelease ?? "", other.Prerelease ?? "");
        if (prereleaseOrder == 0)
        {
            return 0;
        }

        if (string.IsNullOrEmpty(Prerelease))
        {
            return 1;
        }

        return string.IsNullOrEmpty(other.Prerelease) ? -1 : prereleaseOrder;
    }

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}{(Prerelease is null ? "" : "-" + Prerelease)}{(Build is null ? "" : "+" + Build)}";

    // semver's _nat_cmp: dot-separated parts, all-ASCII-digit parts numerically and before the others.
    private static int ComparePrerelease(string left, string right)
    {
        var leftParts = left.Split('.');
        var rightParts = right.Split('.');
        for (var i = 0; i < Math.Min(leftParts.Length, rightParts.Length); i++)
        {
            var a = leftParts[i];
            var b = rightParts[i];
            var aNumeric = a.Length > 0 && a.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
            var bNumeric = b.Length > 0 && b.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0;
            int result;
            if (aNumeric && bNumeric)
            {
                result = CompareNumbers(a.TrimStart('0'), b.TrimStart('0'));
            }
            else if (aNumeric)
            {
                result = -1;
            }
            else if (bNumeric)
            {
                result = 1;
            }
            else
            {
                result = Math.Sign(string.CompareOrdinal(a, b));
            }

            if (result != 0)
            {
                return result;
            }
        }

        return left.Length.CompareTo(right.Length);
    }

    private static int CompareNumbers(string left, string right) =>
        left.Length != right.Length ? left.Length.CompareTo(right.Length) : Math.Sign(string.CompareOrdinal(left, right));

    private static bool Expect(ReadOnlySpan<char> span, ref int i, char c)
    {
        if (i < span.Length && span[i] == c)
        {
            i++;
            return true;
        }

        return false;
    }

    // 0 | [1-9]\d*
    private static bool TryReadNumber(ReadOnlySpan<char> span, ref int i, out string number)
    {
        number = "";
        if (i >= span.Length || !char.IsAsciiDigit(span[i]))
        {
            return false;
        }

        if (span[i] == '0')
        {
            i++;
            number = "0";
            return true;
        }

        var builder = new StringBuilder();
        builder.Append(span[i++]);
        while (i < span.Length && UnicodeDigit(span, i, out var width) is var digit && digit >= 0)
        {
            builder.Append((char)('0' + digit));
            i += width;
        }

        number = builder.ToString();
        return true;
    }

    // Dot-separated identifiers. Pre-release: 0 | [1-9]\d* | \d*[a-zA-Z-][0-9a-zA-Z-]*; build: [0-9a-zA-Z-]+.
    private static bool TryReadIdentifiers(ReadOnlySpan<char> span, ref int i, bool prerelease)
    {
        while (true)
        {
            var start = i;
            if (prerelease)
            {
                while (i < span.Length && UnicodeDigit(span, i, out var width) >= 0)
                {
                    i += width;
                }

                var digitsEnd = i;
                // The digit run stops at a letter or '-', which makes the \d*[a-zA-Z-][0-9a-zA-Z-]* form.
                var hasLetter = false;
                while (i < span.Length && (char.IsAsciiLetterOrDigit(span[i]) || span[i] == '-'))
                {
                    hasLetter |= !char.IsAsciiDigit(span[i]);
                    i++;
                }

                if (i == start)
                {
                    return false;
                }

                if (!hasLetter)
                {
                    // Only digits: must be 0 or [1-9]\d*, first char ASCII.
                    var first = span[start];
                    if (!char.IsAsciiDigit(first) || (first == '0' && digitsEnd - start > 1))
                    {
                        return false;
                    }
                }
            }
            else
            {
                while (i < span.Length && (char.IsAsciiLetterOrDigit(span[i]) || span[i] == '-'))
                {
                    i++;
                }

                if (i == start)
                {
                    return false;
                }
            }

            if (i < span.Length && span[i] == '.')
            {
                i++;
                continue;
            }

            return true;
        }
    }

    private static int UnicodeDigit(ReadOnlySpan<char> span, int index, out int width)
    {
        width = 1;
        var c = span[index];
        if (char.IsAsciiDigit(c))
        {
            return c - '0';
        }

        if (c < 0x80 || Rune.DecodeFromUtf16(span[index..], out var rune, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1;
            return -1;
        }

        return Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber ? (int)Rune.GetNumericValue(rune) : -1;
    }
}
