using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("1.2.3")]
    [InlineData("0.0.0")]
    [InlineData("1.2.3-alpha.1")]
    [InlineData("1.2.3-0a")]
    [InlineData("1.2.3-alpha+build.5")]
    [InlineData("1.2.3+001")]
    [InlineData("1.2.3\n")]
    [InlineData("10.20.30-rc.1-x")]
    [InlineData("99999999999999999999999.0.0")]
    public void ValidVersionsParse(string text)
    {
        Assert.True(SemanticVersion.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1.2")]
    [InlineData("1")]
    [InlineData("v1.2.3")]
    [InlineData("01.2.3")]
    [InlineData("1.02.3")]
    [InlineData("1.2.3-01")]
    [InlineData("1.2.3-")]
    [InlineData("1.2.3+")]
    [InlineData("1.2.3-a..b")]
    [InlineData("1.2.3\n\n")]
    [InlineData(" 1.2.3")]
    [InlineData("1.2.3 ")]
    [InlineData("1.2.3\r\n")]
    [InlineData("")]
    public void InvalidVersionsDoNotParse(string text)
    {
        Assert.False(SemanticVersion.TryParse(text, out _));
    }

    [Theory]
    [InlineData("1.0.0-alpha", "1.0.0-alpha.1")]
    [InlineData("1.0.0-alpha.1", "1.0.0-alpha.beta")]
    [InlineData("1.0.0-alpha.beta", "1.0.0-beta")]
    [InlineData("1.0.0-beta", "1.0.0-beta.2")]
    [InlineData("1.0.0-beta.2", "1.0.0-beta.11")]
    [InlineData("1.0.0-beta.11", "1.0.0-rc.1")]
    [InlineData("1.0.0-rc.1", "1.0.0")]
    [InlineData("1.9.0", "1.10.0")]
    [InlineData("1.10.0", "2.0.0")]
    [InlineData("9.0.0", "10.0.0")]
    public void PrecedenceFollowsSemVer(string lower, string higher)
    {
        SemanticVersion.TryParse(lower, out var a);
        SemanticVersion.TryParse(higher, out var b);

        Assert.True(a.CompareTo(b) < 0);
        Assert.True(b.CompareTo(a) > 0);
    }

    [Fact]
    public void BuildMetadataIsIgnoredInPrecedence()
    {
        SemanticVersion.TryParse("1.0.0+a", out var a);
        SemanticVersion.TryParse("1.0.0+b", out var b);

        Assert.Equal(0, a.CompareTo(b));
    }

    [Fact]
    public void UnicodeDigitsAfterAFirstAsciiDigitReadAsPythonsBackslashD()
    {
        Assert.True(SemanticVersion.TryParse("1\u0662.0.0", out var version));
        Assert.Equal("12", version.Major);
        Assert.False(SemanticVersion.TryParse("\u0661.0.0", out _));
    }
}
