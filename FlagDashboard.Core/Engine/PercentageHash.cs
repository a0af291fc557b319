using System.Buffers;
using System.Text;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// Flagsmith's percentage hash: MD5 of the ids joined with <c>,</c>, read as an unsigned big-endian
/// 128-bit integer n, then <c>((n % 9999) / 9998) * 100</c>; a result of exactly 100 hashes again with
/// the ids repeated (<c>a,b,a,b</c>, then three times, ...). The result lies in [0, 100).
/// </summary>
public static class PercentageHash
{
    private const ulong Modulus = 9999;

    // 2^64 mod 9999, to reduce the 128-bit number from its two halves.
    private static readonly ulong TwoPow64Mod = (ulong)((UInt128.One << 64) % Modulus);

    [ThreadStatic]
    private static long t_hashCount;

    /// <summary>MD5 computations on this thread so far; the tests use it to check that needless hashes are skipped.</summary>
    internal static long HashCountOnThisThread => t_hashCount;

    public static double Percentage(params IReadOnlyList<string> ids)
    {
        var joined = string.Join(',', ids);
        return Percentage(Encoding.UTF8.GetBytes(joined));
    }

    /// <summary>The hash of <c>{prefix}{value}</c>, where <paramref name="prefixUtf8"/> already ends with the comma.</summary>
    internal static double Percentage(ReadOnlySpan<byte> prefixUtf8, ReadOnlySpan<char> value)
    {
        var maxLength = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = maxLength <= 256 ? stackalloc byte[maxLength] : (rented = ArrayPool<byte>.Shared.Rent(maxLength));
        var written = Encoding.UTF8.GetBytes(value, buffer);
        var result = Percentage(prefixUtf8, buffer[..written]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return result;
    }

    /// <summary>The hash of the UTF-8 bytes <c>{prefix}{value}</c> (the prefix ends with the comma).</summary>
    internal static double Percentage(ReadOnlySpan<byte> prefixUtf8, ReadOnlySpan<byte> valueUtf8)
    {
        t_hashCount++;
        var result = Scale(Md5.Hash(prefixUtf8, valueUtf8));
        return result < 100 ? result : Repeated([.. prefixUtf8, .. valueUtf8]);
    }

    /// <summary>The percentage of a digest computed elsewhere (<see cref="Md5x8"/>) for <c>{prefix}{value}</c>.</summary>
    internal static double FromDigest(ulong high, ulong low, ReadOnlySpan<byte> prefixUtf8, ReadOnlySpan<byte> valueUtf8)
    {
        t_hashCount++;
        var result = Scale((high, low));
        return result < 100 ? result : Repeated([.. prefixUtf8, .. valueUtf8]);
    }

    /// <summary>The hash of the UTF-8 bytes of the ids already joined with commas.</summary>
    internal static double Percentage(ReadOnlySpan<byte> joinedUtf8) => Percentage(joinedUtf8, ReadOnlySpan<byte>.Empty);

    private static double Scale((ulong High, ulong Low) digest)
    {
        var remainder = ((digest.High % Modulus) * TwoPow64Mod + (digest.Low % Modulus)) % Modulus;
        return (double)remainder / 9998 * 100;
    }

    private static double Repeated(ReadOnlySpan<byte> joined)
    {
        // Astronomically rare (1 in 9999): no need to be quick.
        for (var times = 2; ; times++)
        {
            var buffer = new byte[(joined.Length * times) + times - 1];
            var pos = 0;
            for (var i = 0; i < times; i++)
            {
                if (i > 0)
                {
                    buffer[pos++] = (byte)',';
                }

                joined.CopyTo(buffer.AsSpan(pos));
                pos += joined.Length;
            }

            t_hashCount++;
            var result = Scale(Md5.Hash(buffer));
            if (result < 100)
            {
                return result;
            }
        }
    }
}
