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
    // Ranges into the parsed text: no allocation when parsing or comparing (the engine parses per evaluation).
    private readonly string _text;
    private readonly Range _major;
    private readonly Range _minor;
    private readonly Range _patch;
    private readonly Range? _prerelease;
    private readonly Range? _build;

    private SemanticVersion(string text, Range major, Range minor, Range patch, Range? prerelease, Range? build)
    {
        _text = text;
        _major = major;
        _minor = minor;
        _patch = patch;
        _prerelease = prerelease;
        _build = build;
    }

    /// <summary>The major version as ASCII decimal digits (of any size).</summary>
    public string Major => AsciiDigits(_text.AsSpan()[_major]);

    public string Minor => AsciiDigits(_text.AsSpan()[_minor]);

    public string Patch => AsciiDigits(_text.AsSpan()[_patch]);

    public string? Prerelease => _prerelease is { } range ? _text[range] : null;

    public string? Build => _build is { } range ? _text[range] : null;

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

        Range? prerelease = null;
        Range? build = null;
        if (i < span.Length && span[i] == '-')
        {
            i++;
            var start = i;
            if (!TryReadIdentifiers(span, ref i, prerelease: true))
            {
                return false;
            }

            prerelease = start..i;
        }

        if (i < span.Length && span[i] == '+')
        {
            i++;
            var start = i;
            if (!TryReadIdentifiers(span, ref i, prerelease: false))
            {
                return false;
            }

            build = start..i;
        }

        if (i != span.Length)
        {
            return false;
        }

        version = new SemanticVersion(text, major, minor, patch, prerelease, build);
        return true;
    }

    /// <summary>True when <paramref name="value"/> is this version's whole pre-release or whole build part.</summary>
    public bool HasPrereleaseOrBuild(ReadOnlySpan<char> value) =>
        (_prerelease is { } pre && value.SequenceEqual(_text.AsSpan()[pre]))
        || (_build is { } build && value.SequenceEqual(_text.AsSpan()[build]));

    /// <summary>SemVer precedence, as <c>semver.Version.compare</c>.</summary>
    public int CompareTo(SemanticVersion other)
    {
        var result = CompareNumbers(_text.AsSpan()[_major], other._text.AsSpan()[other._major]);
        if (result == 0)
        {
            result = CompareNumbers(_text.AsSpan()[_minor], other._text.AsSpan()[other._minor]);
        }

        if (result == 0)
        {
            result = CompareNumbers(_text.AsSpan()[_patch], other._text.AsSpan()[other._patch]);
        }

        if (result != 0)
        {
            return result;
        }

        var left = _prerelease is { } a ? _text.AsSpan()[a] : [];
        var right = other._prerelease is { } b ? other._text.AsSpan()[b] : [];
        var prereleaseOrder = ComparePrerelease(left, right);
        if (prereleaseOrder == 0)
        {
            return 0;
        }

        if (left.IsEmpty)
        {
            return 1;
        }

        return right.IsEmpty ? -1 : prereleaseOrder;
    }

    public override string ToString() =>
        $"{Major}.{Minor}.{Patch}{(Prerelease is null ? "" : "-" + Prerelease)}{(Build is null ? "" : "+" + Build)}";

    // semver's _nat_cmp: dot-separated parts, all-ASCII-digit parts numerically and before the others,
    // then the longer text.
    private static int ComparePrerelease(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        var leftRest = left;
        var rightRest = right;
        while (true)
        {
            var a = NextPart(ref leftRest, out var leftDone);
            var b = NextPart(ref rightRest, out var rightDone);
            var aNumeric = a.Length > 0 && a.IndexOfAnyExceptInRange('0', '9') < 0;
            var bNumeric = b.Length > 0 && b.IndexOfAnyExceptInRange('0', '9') < 0;
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
                result = Math.Sign(JsonPath.CodePointOrder.Compare(a, b));
            }

            if (result != 0)
            {
                return result;
            }

            if (leftDone || rightDone)
            {
                return left.Length.CompareTo(right.Length);
            }
        }
    }

    private static ReadOnlySpan<char> NextPart(ref ReadOnlySpan<char> rest, out bool done)
    {
        var dot = rest.IndexOf('.');
        if (dot < 0)
        {
            var last = rest;
            rest = [];
            done = true;
            return last;
        }

        var part = rest[..dot];
        rest = rest[(dot + 1)..];
        done = false;
        return part;
    }

    // Numbers without leading zeros: more digits is larger, else digit by digit.
    private static int CompareNumbers(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        if (IsAscii(left) && IsAscii(right))
        {
            return left.Length != right.Length ? left.Length.CompareTo(right.Length) : Math.Sign(left.SequenceCompareTo(right));
        }

        var a = AsciiDigits(left);
        var b = AsciiDigits(right);
        return a.Length != b.Length ? a.Length.CompareTo(b.Length) : Math.Sign(string.CompareOrdinal(a, b));
    }

    private static bool IsAscii(ReadOnlySpan<char> digits) => digits.IndexOfAnyExceptInRange('0', '9') < 0;

    private static string AsciiDigits(ReadOnlySpan<char> digits)
    {
        if (IsAscii(digits))
        {
            return digits.ToString();
        }

        var builder = new StringBuilder(digits.Length);
        for (var i = 0; i < digits.Length;)
        {
            builder.Append((char)('0' + UnicodeDigit(digits, i, out var width)));
            i += width;
        }

        return builder.ToString();
    }

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
    private static bool TryReadNumber(ReadOnlySpan<char> span, ref int i, out Range number)
    {
        number = default;
        if (i >= span.Length || !char.IsAsciiDigit(span[i]))
        {
            return false;
        }

        var start = i;
        if (span[i] == '0')
        {
            i++;
            number = start..i;
            return true;
        }

        i++;
        while (i < span.Length && UnicodeDigit(span, i, out var width) >= 0)
        {
            i += width;
        }

        number = start..i;
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
