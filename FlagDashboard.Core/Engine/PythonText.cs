using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// Python's <c>str()</c>, <c>repr(float)</c>, <c>int()</c> and <c>float()</c>, which the Flagsmith engine uses for
/// hashing, IN, REGEX, weights and number casts. .NET's own formats differ ("R" gives "10" and "1E+16").
/// </summary>
public static class PythonText
{
    private const int MaxIntDigits = 4300; // Python's default int_max_str_digits.

    /// <summary><c>repr(float)</c>: shortest round-trip digits; positional when 1e-4 &lt;= |x| &lt; 1e16.</summary>
    public static string FormatFloat(double value)
    {
        Span<char> buffer = stackalloc char[40];
        TryFormatFloat(value, buffer, out var written);
        return new string(buffer[..written]);
    }

    /// <summary>A double as a JSON literal, as Python's <c>json.dumps</c> writes it.</summary>
    internal static string FormatJsonFloat(double value) =>
        double.IsNaN(value) ? "NaN" : double.IsPositiveInfinity(value) ? "Infinity" : double.IsNegativeInfinity(value) ? "-Infinity" : FormatFloat(value);

    internal static bool TryFormatFloat(double value, Span<char> destination, out int written)
    {
        written = 0;
        if (destination.Length < 32)
        {
            return false;
        }

        if (double.IsNaN(value))
        {
            return Put("nan", destination, out written);
        }

        if (double.IsInfinity(value))
        {
            return Put(value > 0 ? "inf" : "-inf", destination, out written);
        }

        if (value == 0)
        {
            return Put(double.IsNegative(value) ? "-0.0" : "0.0", destination, out written);
        }

        // .NET's "R" gives the shortest round-trip digits; only the layout is Python's own.
        Span<char> raw = stackalloc char[32];
        Math.Abs(value).TryFormat(raw, out var rawLength, "R", CultureInfo.InvariantCulture);
        raw = raw[..rawLength];

        Span<char> digits = stackalloc char[24];
        var digitCount = 0;
        var integerDigits = -1;
        var exponent = 0;
        for (var i = 0; i < raw.Length; i++)
        {
            var c = raw[i];
            if (c == '.')
            {
                integerDigits = digitCount;
            }
            else if (c is 'E' or 'e')
            {
                exponent = int.Parse(raw[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else
            {
                digits[digitCount++] = c;
            }
        }

        if (integerDigits < 0)
        {
            integerDigits = digitCount;
        }

        // value = 0.DIGITS x 10^point
        var point = integerDigits + exponent;
        var start = 0;
        while (start < digitCount - 1 && digits[start] == '0')
        {
            start++;
            point--;
        }

        var end = digitCount;
        while (end > start + 1 && digits[end - 1] == '0')
        {
            end--;
        }

        ReadOnlySpan<char> significant = digits[start..end];
        var pos = 0;
        if (value < 0)
        {
            destination[pos++] = '-';
        }

        var decimalExponent = point - 1;
        if (decimalExponent is >= -4 and < 16)
        {
            if (point <= 0)
            {
                destination[pos++] = '0';
                destination[pos++] = '.';
                for (var i = 0; i < -point; i++)
                {
                    destination[pos++] = '0';
                }

                significant.CopyTo(destination[pos..]);
                pos += significant.Length;
            }
            else if (point >= significant.Length)
            {
                significant.CopyTo(destination[pos..]);
                pos += significant.Length;
                for (var i = significant.Length; i < point; i++)
                {
                    destination[pos++] = '0';
                }

                destination[pos++] = '.';
                destination[pos++] = '0';
            }
            else
            {
                significant[..point].CopyTo(destination[pos..]);
                pos += point;
                destination[pos++] = '.';
                significant[point..].CopyTo(destination[pos..]);
                pos += significant.Length - point;
            }
        }
        else
        {
            destination[pos++] = significant[0];
            if (significant.Length > 1)
            {
                destination[pos++] = '.';
                significant[1..].CopyTo(destination[pos..]);
                pos += significant.Length - 1;
            }

            destination[pos++] = 'e';
            destination[pos++] = decimalExponent < 0 ? '-' : '+';
            var magnitude = Math.Abs(decimalExponent);
            if (magnitude < 10)
            {
                destination[pos++] = '0';
            }

            magnitude.TryFormat(destination[pos..], out var exponentLength, default, CultureInfo.InvariantCulture);
            pos += exponentLength;
        }

        written = pos;
        return true;
    }

    /// <summary>Python's <c>str()</c> of a JSON array or object (as <c>json.loads</c> would hand it over).</summary>
    internal static string FormatContainer(JsonElement element)
    {
        var builder = new StringBuilder();
        AppendRepr(builder, element);
        return builder.ToString();
    }

    /// <summary>Python's <c>str()</c> of a JSON value: strings as they are, containers as their repr.</summary>
    internal static string FormatJsonItem(JsonElement element) =>
        element.ValueKind == JsonValueKind.String ? element.GetString()! : EngineValue.FromJson(element).ToPythonString();

    private static void AppendRepr(StringBuilder builder, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Array:
                builder.Append('[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        builder.Append(", ");
                    }

                    first = false;
                    AppendRepr(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.Object:
                builder.Append('{');
                var firstMember = true;
                foreach (var member in element.EnumerateObject())
                {
                    if (!firstMember)
                    {
                        builder.Append(", ");
                    }

                    firstMember = false;
                    AppendStringRepr(builder, member.Name);
                    builder.Append(": ");
                    AppendRepr(builder, member.Value);
                }

                builder.Append('}');
                break;
            case JsonValueKind.String:
                AppendStringRepr(builder, element.GetString()!);
                break;
            default:
                builder.Append(EngineValue.FromJson(element).ToPythonString());
                break;
        }
    }

    private static void AppendStringRepr(StringBuilder builder, string text)
    {
        var quote = text.Contains('\'') && !text.Contains('"') ? '"' : '\'';
        builder.Append(quote);
        foreach (var c in text)
        {
            switch (c)
            {
                case '\\': builder.Append("\\\\"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c == quote)
                    {
                        builder.Append('\\').Append(c);
                    }
                    else if (c < 0x20 || c == 0x7f)
                    {
                        builder.Append("\\x").Append(((int)c).ToString("x2", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append(quote);
    }

    /// <summary>
    /// Python's <c>int(text)</c>: surrounding whitespace, a sign, single <c>_</c> between digits, any Unicode
    /// decimal digit. "2.0" fails.
    /// </summary>
    public static bool TryParseInteger(ReadOnlySpan<char> text, out BigInteger value)
    {
        value = default;
        Span<char> ascii = text.Length <= 256 ? stackalloc char[text.Length + 1] : new char[text.Length + 1];
        if (!TryNormalizeInteger(text, ascii, out var length))
        {
            return false;
        }

        var digits = ascii[..length];
        if (digits.Length <= 19 && long.TryParse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small))
        {
            value = small;
            return true;
        }

        value = BigInteger.Parse(digits, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        return true;
    }

    /// <summary>
    /// Python's <c>float(text)</c>: whitespace, sign, digits with single <c>_</c>, fraction, exponent,
    /// <c>inf</c>/<c>infinity</c>/<c>nan</c> in any case, any Unicode decimal digit.
    /// </summary>
    public static bool TryParseFloat(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        text = TrimPythonWhitespace(text);
        if (text.IsEmpty)
        {
            return false;
        }

        Span<char> ascii = text.Length <= 256 ? stackalloc char[text.Length] : new char[text.Length];
        var pos = 0;
        var i = 0;
        if (text[0] is '+' or '-')
        {
            ascii[pos++] = text[0];
            i++;
        }

        var rest = text[i..];
        if (rest.Equals("inf", StringComparison.OrdinalIgnoreCase) || rest.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = pos > 0 && ascii[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (rest.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        // digitpart ["." [digitpart]] | "." digitpart, then optional exponent.
        var integerDigits = ReadDigitPart(text, ref i, ascii, ref pos);
        if (integerDigits < 0)
        {
            return false;
        }

        var fractionDigits = 0;
        if (i < text.Length && text[i] == '.')
        {
            ascii[pos++] = '.';
            i++;
            fractionDigits = ReadDigitPart(text, ref i, ascii, ref pos);
            if (fractionDigits < 0)
            {
                return false;
            }
        }

        if (integerDigits == 0 && fractionDigits == 0)
        {
            return false;
        }

        if (i < text.Length && text[i] is 'e' or 'E')
        {
            ascii[pos++] = 'e';
            i++;
            if (i < text.Length && text[i] is '+' or '-')
            {
                ascii[pos++] = text[i++];
            }

            if (ReadDigitPart(text, ref i, ascii, ref pos) <= 0)
            {
                return false;
            }
        }

        if (i != text.Length)
        {
            return false;
        }

        return double.TryParse(ascii[..pos], NumberStyles.Float, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// The engine's numeric-string coercion: the whole text <c>-?[0-9]+</c> becomes an integer,
    /// <c>-?[0-9]+\.[0-9]+</c> a double; anything else (a trailing newline included) stays a string.
    /// </summary>
    public static EngineValue CoerceNumericString(string text)
    {
        var span = text.AsSpan();
        var i = span.Length > 0 && span[0] == '-' ? 1 : 0;
        var integerStart = i;
        while (i < span.Length && char.IsAsciiDigit(span[i]))
        {
            i++;
        }

        if (i == integerStart)
        {
            return EngineValue.FromString(text);
        }

        if (i == span.Length)
        {
            if (span.Length <= 18)
            {
                return EngineValue.FromInteger(long.Parse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
            }

            return EngineValue.FromInteger(BigInteger.Parse(span, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
        }

        if (span[i] != '.')
        {
            return EngineValue.FromString(text);
        }

        var fractionStart = ++i;
        while (i < span.Length && char.IsAsciiDigit(span[i]))
        {
            i++;
        }

        return i == span.Length && i > fractionStart
            ? EngineValue.FromDouble(double.Parse(span, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture))
            : EngineValue.FromString(text);
    }

    // Python keeps ASCII as is and strips only " \t\n\v\f\r" there (U+001C..U+001F are not stripped);
    // above ASCII its whitespace is .NET's.
    internal static bool IsPythonWhitespace(char c) => char.IsWhiteSpace(c);

    private static ReadOnlySpan<char> TrimPythonWhitespace(ReadOnlySpan<char> text)
    {
        var start = 0;
        var end = text.Length;
        while (start < end && IsPythonWhitespace(text[start]))
        {
            start++;
        }

        while (end > start && IsPythonWhitespace(text[end - 1]))
        {
            end--;
        }

        return text[start..end];
    }

    private static bool TryNormalizeInteger(ReadOnlySpan<char> text, Span<char> ascii, out int length)
    {
        length = 0;
        text = TrimPythonWhitespace(text);
        var i = 0;
        var pos = 0;
        if (text.Length > 0 && text[0] is '+' or '-')
        {
            ascii[pos++] = text[0];
            i++;
        }

        var digits = ReadDigitPart(text, ref i, ascii, ref pos);
        if (digits <= 0 || i != text.Length || digits > MaxIntDigits)
        {
            return false;
        }

        length = pos;
        return true;
    }

    /// <summary>
    /// Reads <c>digit (["_"] digit)*</c> (any Unicode decimal digit) into ASCII. Returns the digit count,
    /// 0 when there is none, -1 on a misplaced underscore.
    /// </summary>
    private static int ReadDigitPart(ReadOnlySpan<char> text, ref int i, Span<char> ascii, ref int pos)
    {
        var count = 0;
        while (i < text.Length)
        {
            var digit = DecimalDigitAt(text, i, out var width);
            if (digit >= 0)
            {
                ascii[pos++] = (char)('0' + digit);
                count++;
                i += width;
                continue;
            }

            if (text[i] == '_' && count > 0 && i + 1 < text.Length && DecimalDigitAt(text, i + 1, out _) >= 0)
            {
                i++;
                continue;
            }

            if (text[i] == '_')
            {
                return -1;
            }

            break;
        }

        return count;
    }

    private static int DecimalDigitAt(ReadOnlySpan<char> text, int index, out int width)
    {
        var c = text[index];
        width = 1;
        if (char.IsAsciiDigit(c))
        {
            return c - '0';
        }

        if (c < 0x80)
        {
            return -1;
        }

        if (Rune.DecodeFromUtf16(text[index..], out var rune, out width) != System.Buffers.OperationStatus.Done)
        {
            width = 1;
            return -1;
        }

        return Rune.GetUnicodeCategory(rune) == UnicodeCategory.DecimalDigitNumber ? (int)Rune.GetNumericValue(rune) : -1;
    }

    private static bool Put(string text, Span<char> destination, out int written)
    {
        written = text.Length;
        return text.AsSpan().TryCopyTo(destination);
    }
}
