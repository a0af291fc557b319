using System.Numerics;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

public sealed class PythonTextTests
{
    [Theory]
    [InlineData(2.0, "2.0")]
    [InlineData(35.0, "35.0")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-5, "1.5e-05")]
    [InlineData(1e16, "1e+16")]
    [InlineData(9999999999999998.0, "9999999999999998.0")]
    [InlineData(1.2345678901234568e17, "1.2345678901234568e+17")]
    [InlineData(54.54, "54.54")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.0, "0.0")]
    [InlineData(-0.0, "-0.0")]
    [InlineData(1e22, "1e+22")]
    [InlineData(123456789.125, "123456789.125")]
    [InlineData(1.7976931348623157e308, "1.7976931348623157e+308")]
    [InlineData(5e-324, "5e-324")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "-inf")]
    [InlineData(double.NaN, "nan")]
    public void FloatsFormatAsPythonRepr(double value, string expected)
    {
        Assert.Equal(expected, PythonText.FormatFloat(value));
    }

    [Fact]
    public void StrOfEachKindIsPythons()
    {
        Assert.Equal("True", EngineValue.FromBool(true).ToPythonString());
        Assert.Equal("False", EngineValue.FromBool(false).ToPythonString());
        Assert.Equal("None", EngineValue.Null.ToPythonString());
        Assert.Equal("-42", EngineValue.FromInteger(-42).ToPythonString());
        Assert.Equal("123456789012345678901234567890", EngineValue.FromNumberLiteral("123456789012345678901234567890").ToPythonString());
        Assert.Equal("30.0", EngineValue.FromNumberLiteral("30.0").ToPythonString());
        Assert.Equal("54.54", EngineValue.FromNumberLiteral("54.540").ToPythonString());
        Assert.Equal("text", EngineValue.FromString("text").ToPythonString());
        Assert.Equal("[1, 'a', True, None, 2.0]", EngineValue.FromJson("[1, \"a\", true, null, 2.0]").ToPythonString());
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData(" 42 ", "42")]
    [InlineData("\t-7\n", "-7")]
    [InlineData("+3", "3")]
    [InlineData("1_000", "1000")]
    [InlineData("007", "7")]
    [InlineData("\u00a012\u3000", "12")]
    [InlineData("\uff11\uff12", "12")]
    [InlineData("\u0661\u0660\u0660\u0660", "1000")]
    [InlineData("99999999999999999999999", "99999999999999999999999")]
    public void IntegersParseAsPythonsInt(string text, string expected)
    {
        Assert.True(PythonText.TryParseInteger(text, out var value));
        Assert.Equal(BigInteger.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), value);
    }

    [Theory]
    [InlineData("2.0")]
    [InlineData("1e3")]
    [InlineData("_1")]
    [InlineData("1_")]
    [InlineData("1__0")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("-")]
    [InlineData("0x10")]
    [InlineData("1 0")]
    [InlineData("inf")]
    [InlineData("\u001c12")]
    [InlineData("\u221212")] // U+2212 MINUS SIGN is not a sign
    public void IntegerParseRejectsWhatPythonsIntRejects(string text)
    {
        Assert.False(PythonText.TryParseInteger(text, out _));
    }

    [Theory]
    [InlineData("40", 40.0)]
    [InlineData(" 40 ", 40.0)]
    [InlineData("1_0", 10.0)]
    [InlineData("1e2", 100.0)]
    [InlineData("1E+2", 100.0)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5.0)]
    [InlineData("-2.5", -2.5)]
    [InlineData("1_0.2_5", 10.25)]
    [InlineData("1e1_0", 1e10)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("-Infinity", double.NegativeInfinity)]
    [InlineData("+INF", double.PositiveInfinity)]
    [InlineData("\u0661.\u0665", 1.5)]
    [InlineData("1e400", double.PositiveInfinity)]
    public void FloatsParseAsPythonsFloat(string text, double expected)
    {
        Assert.True(PythonText.TryParseFloat(text, out var value));
        Assert.Equal(expected, value);
    }

    [Fact]
    public void NanParsesInAnyCase()
    {
        Assert.True(PythonText.TryParseFloat("NaN", out var value));
        Assert.True(double.IsNaN(value));
        Assert.True(PythonText.TryParseFloat("-nan", out value));
        Assert.True(double.IsNaN(value));
    }

    [Theory]
    [InlineData("50%")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("e5")]
    [InlineData("1e")]
    [InlineData("1_.5")]
    [InlineData("infinit")]
    [InlineData("1,5")]
    [InlineData("0x1p3")]
    public void FloatParseRejectsWhatPythonsFloatRejects(string text)
    {
        Assert.False(PythonText.TryParseFloat(text, out _));
    }

    [Theory]
    [InlineData("007", EngineValueKind.Integer, "7")]
    [InlineData("-12", EngineValueKind.Integer, "-12")]
    [InlineData("123456789012345678901234567890", EngineValueKind.Integer, "123456789012345678901234567890")]
    [InlineData("1.50", EngineValueKind.Double, "1.5")]
    [InlineData("-0.0", EngineValueKind.Double, "-0.0")]
    [InlineData("+3", EngineValueKind.String, "+3")]
    [InlineData(" 5", EngineValueKind.String, " 5")]
    [InlineData("5\n", EngineValueKind.String, "5\n")]
    [InlineData("1e3", EngineValueKind.String, "1e3")]
    [InlineData(".5", EngineValueKind.String, ".5")]
    [InlineData("1.", EngineValueKind.String, "1.")]
    [InlineData("-", EngineValueKind.String, "-")]
    [InlineData("\u0661", EngineValueKind.String, "\u0661")]
    [InlineData("", EngineValueKind.String, "")]
    public void NumericLookingStringsBecomeNumbersOnlyOnAFullMatch(string text, EngineValueKind kind, string str)
    {
        var value = PythonText.CoerceNumericString(text);

        Assert.Equal(kind, value.Kind);
        Assert.Equal(str, value.ToPythonString());
    }
}
