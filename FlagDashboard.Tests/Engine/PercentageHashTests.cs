using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

public sealed class PercentageHashTests
{
    [Theory]
    [InlineData("1", "k", 14.852970594118824)]
    [InlineData("78986", "32103813", 49.27985597119424)]
    [InlineData("78986", "test_env_foobar", 54.53090618123625)]
    [InlineData("1016366", "8AYnz4q3KEfT5DFtnramnP_user-123", 39.19783956791358)]
    [InlineData("4268", "32103813", 46.85937187437488)]
    public void KnownIdsHashToTheDocumentedPercentages(string first, string second, double expected)
    {
        Assert.Equal(expected, PercentageHash.Percentage(first, second));
    }

    [Fact]
    public void TheManagedMd5AgreesWithTheSystemMd5ForEveryLengthAroundTheBlockBoundaries()
    {
        var random = new Random(42);
        for (var length = 0; length <= 200; length++)
        {
            var data = new byte[length];
            random.NextBytes(data);

            Assert.Equal(MD5.HashData(data), Md5.HashToBytes(data));
        }
    }

    [Fact]
    public void HashingTwoPartsEqualsHashingTheirConcatenationAtEverySplitPoint()
    {
        var random = new Random(7);
        foreach (var length in new[] { 0, 1, 40, 55, 56, 63, 64, 65, 119, 120, 128, 130 })
        {
            var data = new byte[length];
            random.NextBytes(data);
            var expected = MD5.HashData(data);
            for (var split = 0; split <= length; split++)
            {
                var (high, low) = Md5.Hash(data.AsSpan(0, split), data.AsSpan(split));
                var digest = new byte[16];
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(digest, high);
                System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(digest.AsSpan(8), low);

                Assert.Equal(expected, digest);
            }
        }
    }

    [Fact]
    public void EightLaneMd5AgreesWithTheSystemMd5ForEveryLaneCountAndLength()
    {
        Assert.SkipUnless(Md5x8.IsSupported, "256-bit vectors are not accelerated here.");
        var random = new Random(3);
        for (var count = 1; count <= Md5x8.Lanes; count++)
        {
            foreach (var suffixLength in new[] { 0, 1, 20, 40, 54 })
            {
                var suffix = new byte[suffixLength];
                random.NextBytes(suffix);
                var prefixes = Enumerable.Range(0, count).Select(_ => new byte[random.Next(0, Md5x8.MaxMessageLength - suffixLength + 1)]).ToArray();
                foreach (var prefix in prefixes)
                {
                    random.NextBytes(prefix);
                }

                var high = new ulong[Md5x8.Lanes];
                var low = new ulong[Md5x8.Lanes];
                Md5x8.Hash(prefixes, suffix, high, low);

                for (var lane = 0; lane < count; lane++)
                {
                    var expected = MD5.HashData([.. prefixes[lane], .. suffix]);
                    Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(expected), high[lane]);
                    Assert.Equal(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(expected.AsSpan(8)), low[lane]);
                }
            }
        }
    }

    [Fact]
    public void TheManagedMd5AgreesWithTheSystemMd5OnTheRfc1321TestSuite()
    {
        foreach (var text in new[] { "", "a", "abc", "message digest", "abcdefghijklmnopqrstuvwxyz", new string('1', 80) })
        {
            var data = Encoding.ASCII.GetBytes(text);
            Assert.Equal(Convert.ToHexStringLower(MD5.HashData(data)), Convert.ToHexStringLower(Md5.HashToBytes(data)));
        }

        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", Convert.ToHexStringLower(Md5.HashToBytes("abc"u8)));
    }

    [Fact]
    public void AResultOfExactlyOneHundredHashesAgainWithTheIdsRepeated()
    {
        // Find ids whose first hash is exactly 100 (remainder 9998), using the system MD5 and BigInteger.
        var second = Enumerable.Range(0, 200_000).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .First(id => Remainder($"seg,{id}") == 9998);

        var expected = Remainder($"seg,{second},seg,{second}") / 9998.0 * 100;

        Assert.Equal(expected, PercentageHash.Percentage("seg", second));
        Assert.True(PercentageHash.Percentage("seg", second) < 100);
    }

    [Fact]
    public void NonAsciiIdsAreHashedAsUtf8()
    {
        var expected = Remainder("seg,caf\u00e9-\U0001F600") / 9998.0 * 100;

        Assert.Equal(expected, PercentageHash.Percentage("seg", "caf\u00e9-\U0001F600"));
    }

    private static int Remainder(string joined)
    {
        var n = new BigInteger(MD5.HashData(Encoding.UTF8.GetBytes(joined)), isUnsigned: true, isBigEndian: true);
        return (int)(n % 9999);
    }
}
