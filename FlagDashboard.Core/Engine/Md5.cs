using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;

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
    public static (ulong High, ulong Low) Hash(ReadOnlySpan<byte> data)
    {
        uint a = 0x67452301, b = 0xefcdab89, c = 0x98badcfe, d = 0x10325476;
        var offset = 0;
        while (data.Length - offset >= BlockSize)
        {
            Compress(data.Slice(offset, BlockSize), ref a, ref b, ref c, ref d);
            offset += BlockSize;
        }

        // The tail, the 0x80 marker and the bit length fit one block, or two when the tail is over 55 bytes.
        Span<byte> tail = stackalloc byte[BlockSize * 2];
        tail.Clear();
        var remaining = data.Length - offset;
        data[offset..].CopyTo(tail);
        tail[remaining] = 0x80;
        var tailLength = remaining < 56 ? BlockSize : BlockSize * 2;
        BinaryPrimitives.WriteUInt64LittleEndian(tail.Slice(tailLength - 8), (ulong)data.Length * 8);
        Compress(tail[..BlockSize], ref a, ref b, ref c, ref d);
        if (tailLength > BlockSize)
        {
            Compress(tail.Slice(BlockSize, BlockSize), ref a, ref b, ref c, ref d);
        }

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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Step(uint a, uint f, uint x, uint t, int s, uint b) => b + BitOperations.RotateLeft(a + f + x + t, s);

    private static void Compress(ReadOnlySpan<byte> block, ref uint ha, ref uint hb, ref uint hc, ref uint hd)
    {
        var x0 = BinaryPrimitives.ReadUInt32LittleEndian(block);
        var x1 = BinaryPrimitives.ReadUInt32LittleEndian(block[4..]);
        var x2 = BinaryPrimitives.ReadUInt32LittleEndian(block[8..]);
        var x3 = BinaryPrimitives.ReadUInt32LittleEndian(block[12..]);
        var x4 = BinaryPrimitives.ReadUInt32LittleEndian(block[16..]);
        var x5 = BinaryPrimitives.ReadUInt32LittleEndian(block[20..]);
        var x6 = BinaryPrimitives.ReadUInt32LittleEndian(block[24..]);
        var x7 = BinaryPrimitives.ReadUInt32LittleEndian(block[28..]);
        var x8 = BinaryPrimitives.ReadUInt32LittleEndian(block[32..]);
        var x9 = BinaryPrimitives.ReadUInt32LittleEndian(block[36..]);
        var x10 = BinaryPrimitives.ReadUInt32LittleEndian(block[40..]);
        var x11 = BinaryPrimitives.ReadUInt32LittleEndian(block[44..]);
        var x12 = BinaryPrimitives.ReadUInt32LittleEndian(block[48..]);
        var x13 = BinaryPrimitives.ReadUInt32LittleEndian(block[52..]);
        var x14 = BinaryPrimitives.ReadUInt32LittleEndian(block[56..]);
        var x15 = BinaryPrimitives.ReadUInt32LittleEndian(block[60..]);

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
