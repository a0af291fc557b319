using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// A managed MD5 (RFC 1321). The engine hashes short keys ("segment,identity"), and
/// <c>MD5.HashData</c> pays a call into OpenSSL per hash that costs several times the work itself;
/// see the benchmark. Verified against <c>MD5.HashData</c> in the tests.
/// </summary>
internal static class Md5
{
    private const int BlockSize = 64;

    /// <summary>Hashes <paramref name="data"/> and returns the digest as big-endian (high, low) 64-bit halves.</summary>
    public static (ulong High, ulong Low) Hash(ReadOnlySpan<byte> data) => Hash(data, []);

    /// <summary>Hashes the concatenation of <paramref name="first"/> and <paramref name="second"/> without copying it first.</summary>
    public static (ulong High, ulong Low) Hash(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second)
    {
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        var length = first.Length + second.Length;
        Span<uint> words = stackalloc uint[16];
        var block = MemoryMarshal.AsBytes(words);

        // Whole blocks first (long inputs only), then the tail with the 0x80 marker and the bit length.
        var offset = 0;
        while (length - offset >= BlockSize)
        {
            CopyRange(first, second, offset, block);
            Compress(words, ref a, ref b, ref c, ref d);
            offset += BlockSize;
        }

        var remaining = length - offset;
        block.Clear();
        CopyRange(first, second, offset, block[..remaining]);
        block[remaining] = 0x80;
        if (remaining >= 56)
        {
            Compress(words, ref a, ref b, ref c, ref d);
            block.Clear();
        }

        BinaryPrimitives.WriteUInt64LittleEndian(block[56..], (ulong)length * 8);
        Compress(words, ref a, ref b, ref c, ref d);

        // The digest bytes are a, b, c, d little-endian; read them as one big-endian number.
        var high = ((ulong)BinaryPrimitives.ReverseEndianness(a) << 32) | BinaryPrimitives.ReverseEndianness(b);
        var low = ((ulong)BinaryPrimitives.ReverseEndianness(c) << 32) | BinaryPrimitives.ReverseEndianness(d);
        return (high, low);
    }

    public static byte[] HashToBytes(ReadOnlySpan<byte> data)
    {
        var (high, low) = Hash(data);
        var digest = new byte[16];
        BinaryPrimitives.WriteUInt64BigEndian(digest, high);
        BinaryPrimitives.WriteUInt64BigEndian(digest.AsSpan(8), low);
        return digest;
    }

    // Copies bytes [offset, offset + destination.Length) of first + second.
    private static void CopyRange(ReadOnlySpan<byte> first, ReadOnlySpan<byte> second, int offset, Span<byte> destination)
    {
        var fromFirst = Math.Clamp(first.Length - offset, 0, destination.Length);
        first.Slice(Math.Min(offset, first.Length), fromFirst).CopyTo(destination);
        second.Slice(Math.Max(offset + fromFirst - first.Length, 0), destination.Length - fromFirst).CopyTo(destination[fromFirst..]);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Step(uint a, uint f, uint x, uint t, int s, uint b) => b + BitOperations.RotateLeft(a + f + x + t, s);

    private static void Compress(Span<uint> words, ref uint ha, ref uint hb, ref uint hc, ref uint hd)
    {
        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(words, words);
        }

        var x0 = words[0];
        var x15 = words[15];
        var x1 = words[1];
        var x2 = words[2];
        var x3 = words[3];
        var x4 = words[4];
        var x5 = words[5];
        var x6 = words[6];
        var x7 = words[7];
        var x8 = words[8];
        var x9 = words[9];
        var x10 = words[10];
        var x11 = words[11];
        var x12 = words[12];
        var x13 = words[13];
        var x14 = words[14];

        uint a = ha, b = hb, c = hc, d = hd;

        a = Step(a, (b & c) | (~b & d), x0, 0xd76aa478, 7, b);
        d = Step(d, (a & b) | (~a & c), x1, 0xe8c7b756, 12, a);
        c = Step(c, (d & a) | (~d & b), x2, 0x242070db, 17, d);
        b = Step(b, (c & d) | (~c & a), x3, 0xc1bdceee, 22, c);
        a = Step(a, (b & c) | (~b & d), x4, 0xf57c0faf, 7, b);
        d = Step(d, (a & b) | (~a & c), x5, 0x4787c62a, 12, a);
        c = Step(c, (d & a) | (~d & b), x6, 0xa8304613, 17, d);
        b = Step(b, (c & d) | (~c & a), x7, 0xfd469501, 22, c);
        a = Step(a, (b & c) | (~b & d), x8, 0x698098d8, 7, b);
        d = Step(d, (a & b) | (~a & c), x9, 0x8b44f7af, 12, a);
        c = Step(c, (d & a) | (~d & b), x10, 0xffff5bb1, 17, d);
        b = Step(b, (c & d) | (~c & a), x11, 0x895cd7be, 22, c);
        a = Step(a, (b & c) | (~b & d), x12, 0x6b901122, 7, b);
        d = Step(d, (a & b) | (~a & c), x13, 0xfd987193, 12, a);
        c = Step(c, (d & a) | (~d & b), x14, 0xa679438e, 17, d);
        b = Step(b, (c & d) | (~c & a), x15, 0x49b40821, 22, c);

        a = Step(a, (b & d) | (c & ~d), x1, 0xf61e2562, 5, b);
        d = Step(d, (a & c) | (b & ~c), x6, 0xc040b340, 9, a);
        c = Step(c, (d & b) | (a & ~b), x11, 0x265e5a51, 14, d);
        b = Step(b, (c & a) | (d & ~a), x0, 0xe9b6c7aa, 20, c);
        a = Step(a, (b & d) | (c & ~d), x5, 0xd62f105d, 5, b);
        d = Step(d, (a & c) | (b & ~c), x10, 0x02441453, 9, a);
        c = Step(c, (d & b) | (a & ~b), x15, 0xd8a1e681, 14, d);
        b = Step(b, (c & a) | (d & ~a), x4, 0xe7d3fbc8, 20, c);
        a = Step(a, (b & d) | (c & ~d), x9, 0x21e1cde6, 5, b);
        d = Step(d, (a & c) | (b & ~c), x14, 0xc33707d6, 9, a);
        c = Step(c, (d & b) | (a & ~b), x3, 0xf4d50d87, 14, d);
        b = Step(b, (c & a) | (d & ~a), x8, 0x455a14ed, 20, c);
        a = Step(a, (b & d) | (c & ~d), x13, 0xa9e3e905, 5, b);
        d = Step(d, (a & c) | (b & ~c), x2, 0xfcefa3f8, 9, a);
        c = Step(c, (d & b) | (a & ~b), x7, 0x676f02d9, 14, d);
        b = Step(b, (c & a) | (d & ~a), x12, 0x8d2a4c8a, 20, c);

        a = Step(a, b ^ c ^ d, x5, 0xfffa3942, 4, b);
        d = Step(d, a ^ b ^ c, x8, 0x8771f681, 11, a);
        c = Step(c, d ^ a ^ b, x11, 0x6d9d6122, 16, d);
        b = Step(b, c ^ d ^ a, x14, 0xfde5380c, 23, c);
        a = Step(a, b ^ c ^ d, x1, 0xa4beea44, 4, b);
        d = Step(d, a ^ b ^ c, x4, 0x4bdecfa9, 11, a);
        c = Step(c, d ^ a ^ b, x7, 0xf6bb4b60, 16, d);
        b = Step(b, c ^ d ^ a, x10, 0xbebfbc70, 23, c);
        a = Step(a, b ^ c ^ d, x13, 0x289b7ec6, 4, b);
        d = Step(d, a ^ b ^ c, x0, 0xeaa127fa, 11, a);
        c = Step(c, d ^ a ^ b, x3, 0xd4ef3085, 16, d);
        b = Step(b, c ^ d ^ a, x6, 0x04881d05, 23, c);
        a = Step(a, b ^ c ^ d, x9, 0xd9d4d039, 4, b);
        d = Step(d, a ^ b ^ c, x12, 0xe6db99e5, 11, a);
        c = Step(c, d ^ a ^ b, x15, 0x1fa27cf8, 16, d);
        b = Step(b, c ^ d ^ a, x2, 0xc4ac5665, 23, c);

        a = Step(a, c ^ (b | ~d), x0, 0xf4292244, 6, b);
        d = Step(d, b ^ (a | ~c), x7, 0x432aff97, 10, a);
        c = Step(c, a ^ (d | ~b), x14, 0xab9423a7, 15, d);
        b = Step(b, d ^ (c | ~a), x5, 0xfc93a039, 21, c);
        a = Step(a, c ^ (b | ~d), x12, 0x655b59c3, 6, b);
        d = Step(d, b ^ (a | ~c), x3, 0x8f0ccc92, 10, a);
        c = Step(c, a ^ (d | ~b), x10, 0xffeff47d, 15, d);
        b = Step(b, d ^ (c | ~a), x1, 0x85845dd1, 21, c);
        a = Step(a, c ^ (b | ~d), x8, 0x6fa87e4f, 6, b);
        d = Step(d, b ^ (a | ~c), x15, 0xfe2ce6e0, 10, a);
        c = Step(c, a ^ (d | ~b), x6, 0xa3014314, 15, d);
        b = Step(b, d ^ (c | ~a), x13, 0x4e0811a1, 21, c);
        a = Step(a, c ^ (b | ~d), x4, 0xf7537e82, 6, b);
        d = Step(d, b ^ (a | ~c), x11, 0xbd3af235, 10, a);
        c = Step(c, a ^ (d | ~b), x2, 0x2ad7d2bb, 15, d);
        b = Step(b, d ^ (c | ~a), x9, 0xeb86d391, 21, c);

        ha += a;
        hb += b;
        hc += c;
        hd += d;
    }
}
