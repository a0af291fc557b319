using System.Text.Json;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Tests.Flags;

public sealed class FlagValueTests
{
    [Theory]
    [InlineData("1", FlagValueType.Integer)]
    [InlineData("1.0", FlagValueType.Double)]
    [InlineData("1.5e3", FlagValueType.Double)]
    [InlineData("true", FlagValueType.Bool)]
    [InlineData("\"1\"", FlagValueType.String)]
    [InlineData("null", FlagValueType.None)]
    public void JsonLiteralsKeepTheirKind(string json, FlagValueType expected)
    {
        var value = FlagValue.FromJson(json);

        Assert.Equal(expected, value.Type);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("-42")]
    [InlineData("1.0")]
    [InlineData("2.5")]
    [InlineData("true")]
    [InlineData("\"caf\u00e9 \\\"quoted\\\"\"")]
    [InlineData("null")]
    public void JsonRoundTripsExactly(string json)
    {
        Assert.Equal(json, FlagValue.FromJson(json).ToJson());
    }

    [Fact]
    public void AWholeDoubleIsWrittenWithAFraction()
    {
        Assert.Equal("35.0", FlagValue.FromDouble(35).ToJson());
    }

    [Fact]
    public void AnIntegerOutsideLongRangeIsRejectedWithARangeMessage()
    {
        var error = Assert.Throws<FormatException>(() => FlagValue.FromJson("123456789012345678901234"));

        Assert.Contains("outside the supported range", error.Message);
    }

    [Fact]
    public void AnObjectIsNotAFlagValue()
    {
        using var document = JsonDocument.Parse("{\"a\":1}");

        Assert.Throws<FormatException>(() => FlagValue.FromJson(document.RootElement));
    }

    [Theory]
    [InlineData(FlagValueType.Integer, " 12 ", "12")]
    [InlineData(FlagValueType.Double, "0.25", "0.25")]
    [InlineData(FlagValueType.Bool, "True", "true")]
    [InlineData(FlagValueType.String, " padded ", "\" padded \"")]
    public void TypedTextParses(FlagValueType type, string text, string expectedJson)
    {
        Assert.True(FlagValue.TryParse(type, text, out var value, out var error), error);
        Assert.Equal(expectedJson, value.ToJson());
    }

    [Theory]
    [InlineData(FlagValueType.Integer, "1.5")]
    [InlineData(FlagValueType.Double, "NaN")]
    [InlineData(FlagValueType.Bool, "yes")]
    public void InvalidTypedTextGivesAMessage(FlagValueType type, string text)
    {
        Assert.False(FlagValue.TryParse(type, text, out _, out var error));
        Assert.NotNull(error);
    }
}
