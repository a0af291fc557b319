namespace FlagDashboard.Core.Engine.JsonPath;

/// <summary>Orders strings by Unicode code point (UTF-16 ordinal order differs above U+FFFF).</summary>
internal static class CodePointOrder
{
    public static int Compare(string left, string right) => Compare(left.AsSpan(), right.AsSpan());

    public static int Compare(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        var length = Math.Min(left.Length, right.Length);
        var i = left[..length].CommonPrefixLength(right[..length]);
        if (i == length)
        {
            return left.Length.CompareTo(right.Length);
        }

        var a = left[i];
        var b = right[i];
        // Surrogates (D800-DFFF) stand for code points above every BMP character, E000-FFFF included.
        if (a >= 0xD800 && b >= 0xD800)
        {
            var aSurrogate = char.IsSurrogate(a);
            var bSurrogate = char.IsSurrogate(b);
            if (aSurrogate != bSurrogate)
            {
                return aSurrogate ? 1 : -1;
            }
        }

        return a.CompareTo(b);
    }
}
