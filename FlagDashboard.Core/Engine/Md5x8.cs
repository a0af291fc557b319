using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// MD5 of up to eight short messages (at most 55 bytes each: one block) at once, one per lane of a
/// 256-bit vector. MD5 is one long dependency chain, so a single hash leaves the core mostly idle; the
/// multivariate allocations of an evaluation are independent and share this cost. Verified against
/// <c>MD5.HashData</c> in the tests.
/// </summary>
internal static class Md5x8
{
    public const int Lanes = 8;
    public const int MaxMessageLength = 55;

    public static bool IsSupported => Vector256.IsHardwareAccelerated;

    /// <summary>
    /// Hashes <c>prefixes[i] + suffix</c> for each lane i (up to eight) and writes each digest as big-endian
    /// (high, low) halves.
    /// </summary>
    public static void Hash(ReadOnlySpan<byte[]> prefixes, ReadOnlySpan<byte> suffix, Span<ulong> high, Span<ulong> low)
    {
        var count = prefixes.Length;
        Span<uint> blocks = stackalloc uint[16 * Lanes];
        blocks.Clear();
        var bytes = System.Runtime.InteropServices.MemoryMarshal.AsBytes(blocks);
        for (var lane = 0; lane < count; lane++)
        {
            var block = bytes.Slice(lane * 64, 64);
            var prefix = prefixes[lane];
            prefix.CopyTo(block);
            suffix.CopyTo(block[prefix.Length..]);
            var length = prefix.Length + suffix.Length;
            block[length] = 0x80;
            BinaryPrimitives.WriteUInt64LittleEndian(block[56..], (ulong)length * 8);
        }

        if (!BitConverter.IsLittleEndian)
        {
            BinaryPrimitives.ReverseEndianness(blocks, blocks);
        }

        // Word i of every lane in one vector.
        Span<Vector256<uint>> x = stackalloc Vector256<uint>[16];
        for (var i = 0; i < 16; i++)
        {
            x[i] = Vector256.Create(
                blocks[i], blocks[16 + i], blocks[32 + i], blocks[48 + i],
                blocks[64 + i], blocks[80 + i], blocks[96 + i], blocks[112 + i]);
        }

        var a = Vector256.Create(0x67452301u);
        var b = Vector256.Create(0xefcdab89u);
        var c = Vector256.Create(0x98badcfeu);
        var d = Vector256.Create(0x10325476u);
        var (a0, b0, c0, d0) = (a, b, c, d);

        a = F(a, b, c, d, x[0], 0xd76aa478, 7);
        d = F(d, a, b, c, x[1], 0xe8c7b756, 12);
        c = F(c, d, a, b, x[2], 0x242070db, 17);
        b = F(b, c, d, a, x[3], 0xc1bdceee, 22);
        a = F(a, b, c, d, x[4], 0xf57c0faf, 7);
        d = F(d, a, b, c, x[5], 0x4787c62a, 12);
        c = F(c, d, a, b, x[6], 0xa8304613, 17);
        b = F(b, c, d, a, x[7], 0xfd469501, 22);
        a = F(a, b, c, d, x[8], 0x698098d8, 7);
        d = F(d, a, b, c, x[9], 0x8b44f7af, 12);
        c = F(c, d, a, b, x[10], 0xffff5bb1, 17);
        b = F(b, c, d, a, x[11], 0x895cd7be, 22);
        a = F(a, b, c, d, x[12], 0x6b901122, 7);
        d = F(d, a, b, c, x[13], 0xfd987193, 12);
        c = F(c, d, a, b, x[14], 0xa679438e, 17);
        b = F(b, c, d, a, x[15], 0x49b40821, 22);

        a = G(a, b, c, d, x[1], 0xf61e2562, 5);
        d = G(d, a, b, c, x[6], 0xc040b340, 9);
        c = G(c, d, a, b, x[11], 0x265e5a51, 14);
        b = G(b, c, d, a, x[0], 0xe9b6c7aa, 20);
        a = G(a, b, c, d, x[5], 0xd62f105d, 5);
        d = G(d, a, b, c, x[10], 0x02441453, 9);
        c = G(c, d, a, b, x[15], 0xd8a1e681, 14);
        b = G(b, c, d, a, x[4], 0xe7d3fbc8, 20);
        a = G(a, b, c, d, x[9], 0x21e1cde6, 5);
        d = G(d, a, b, c, x[14], 0xc33707d6, 9);
        c = G(c, d, a, b, x[3], 0xf4d50d87, 14);
        b = G(b, c, d, a, x[8], 0x455a14ed, 20);
        a = G(a, b, c, d, x[13], 0xa9e3e905, 5);
        d = G(d, a, b, c, x[2], 0xfcefa3f8, 9);
        c = G(c, d, a, b, x[7], 0x676f02d9, 14);
        b = G(b, c, d, a, x[12], 0x8d2a4c8a, 20);

        a = H(a, b, c, d, x[5], 0xfffa3942, 4);
        d = H(d, a, b, c, x[8], 0x8771f681, 11);
        c = H(c, d, a, b, x[11], 0x6d9d6122, 16);
        b = H(b, c, d, a, x[14], 0xfde5380c, 23);
        a = H(a, b, c, d, x[1], 0xa4beea44, 4);
        d = H(d, a, b, c, x[4], 0x4bdecfa9, 11);
        c = H(c, d, a, b, x[7], 0xf6bb4b60, 16);
        b = H(b, c, d, a, x[10], 0xbebfbc70, 23);
        a = H(a, b, c, d, x[13], 0x289b7ec6, 4);
        d = H(d, a, b, c, x[0], 0xeaa127fa, 11);
        c = H(c, d, a, b, x[3], 0xd4ef3085, 16);
        b = H(b, c, d, a, x[6], 0x04881d05, 23);
        a = H(a, b, c, d, x[9], 0xd9d4d039, 4);
        d = H(d, a, b, c, x[12], 0xe6db99e5, 11);
        c = H(c, d, a, b, x[15], 0x1fa27cf8, 16);
        b = H(b, c, d, a, x[2], 0xc4ac5665, 23);

        a = I(a, b, c, d, x[0], 0xf4292244, 6);
        d = I(d, a, b, c, x[7], 0x432aff97, 10);
        c = I(c, d, a, b, x[14], 0xab9423a7, 15);
        b = I(b, c, d, a, x[5], 0xfc93a039, 21);
        a = I(a, b, c, d, x[12], 0x655b59c3, 6);
        d = I(d, a, b, c, x[3], 0x8f0ccc92, 10);
        c = I(c, d, a, b, x[10], 0xffeff47d, 15);
        b = I(b, c, d, a, x[1], 0x85845dd1, 21);
        a = I(a, b, c, d, x[8], 0x6fa87e4f, 6);
        d = I(d, a, b, c, x[15], 0xfe2ce6e0, 10);
        c = I(c, d, a, b, x[6], 0xa3014314, 15);
        b = I(b, c, d, a, x[13], 0x4e0811a1, 21);
        a = I(a, b, c, d, x[4], 0xf7537e82, 6);
        d = I(d, a, b, c, x[11], 0xbd3af235, 10);
        c = I(c, d, a, b, x[2], 0x2ad7d2bb, 15);
        b = I(b, c, d, a, x[9], 0xeb86d391, 21);

        a += a0;
        b += b0;
        c += c0;
        d += d0;
        for (var lane = 0; lane < count; lane++)
        {
            high[lane] = ((ulong)BinaryPrimitives.ReverseEndianness(a.GetElement(lane)) << 32) | BinaryPrimitives.ReverseEndianness(b.GetElement(lane));
            low[lane] = ((ulong)BinaryPrimitives.ReverseEndianness(c.GetElement(lane)) << 32) | BinaryPrimitives.ReverseEndianness(d.GetElement(lane));
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> RotateLeft(Vector256<uint> value, [ConstantExpected] byte count) =>
        Avx512F.VL.IsSupported
            ? Avx512F.VL.RotateLeft(value, count)
            : Vector256.ShiftLeft(value, count) | Vector256.ShiftRightLogical(value, 32 - count);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> F(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, Vector256<uint> d, Vector256<uint> x, uint k, [ConstantExpected] byte s) =>
        b + RotateLeft(a + Vector256.ConditionalSelect(b, c, d) + x + Vector256.Create(k), s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> G(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, Vector256<uint> d, Vector256<uint> x, uint k, [ConstantExpected] byte s) =>
        b + RotateLeft(a + Vector256.ConditionalSelect(d, b, c) + x + Vector256.Create(k), s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> H(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, Vector256<uint> d, Vector256<uint> x, uint k, [ConstantExpected] byte s) =>
        b + RotateLeft(a + (b ^ c ^ d) + x + Vector256.Create(k), s);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<uint> I(Vector256<uint> a, Vector256<uint> b, Vector256<uint> c, Vector256<uint> d, Vector256<uint> x, uint k, [ConstantExpected] byte s) =>
        b + RotateLeft(a + (c ^ (b | ~d)) + x + Vector256.Create(k), s);
}
