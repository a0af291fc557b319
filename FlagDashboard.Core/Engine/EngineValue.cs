using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace FlagDashboard.Core.Engine;

public enum EngineValueKind : byte
{
    Null,
    String,
    Integer,
    Double,
    Bool,
    Array,
    Object,
}

/// <summary>
/// One JSON value as the engine sees it. Integers (of any size), doubles and bools stay apart:
/// <c>1</c>, <c>1.0</c> and <c>true</c> are three different values, read and written as such.
/// </summary>
public readonly struct EngineValue : IEquatable<EngineValue>
{
    // A string, a boxed BigInteger (integers outside long), or a JsonElement (arrays and objects).
    private readonly object? _reference;
    private readonly long _bits;

    private EngineValue(EngineValueKind kind, object? reference, long bits)
    {
        Kind = kind;
        _reference = reference;
        _bits = bits;
    }

    public EngineValueKind Kind { get; }

    public static EngineValue Null => default;

    public bool IsNull => Kind == EngineValueKind.Null;

    public static EngineValue FromString(string value) =>
        new(EngineValueKind.String, value ?? throw new ArgumentNullException(nameof(value)), 0);

    public static EngineValue FromInteger(long value) => new(EngineValueKind.Integer, null, value);

    public static EngineValue FromInteger(BigInteger value) =>
        value >= long.MinValue && value <= long.MaxValue
            ? new(EngineValueKind.Integer, null, (long)value)
            : new(EngineValueKind.Integer, value, 0);

    public static EngineValue FromDouble(double value) =>
        new(EngineValueKind.Double, null, BitConverter.DoubleToInt64Bits(value));

    public static EngineValue FromBool(bool value) => new(EngineValueKind.Bool, null, value ? 1 : 0);

    /// <summary>Reads a JSON value; numbers keep their literal kind (<c>35</c> integer, <c>35.0</c> double).</summary>
    public static EngineValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => Null,
        JsonValueKind.String => FromString(element.GetString()!),
        JsonValueKind.True => FromBool(true),
        JsonValueKind.False => FromBool(false),
        JsonValueKind.Number => FromNumberLiteral(element.GetRawText()),
        JsonValueKind.Array => new(EngineValueKind.Array, element.Clone(), 0),
        _ => new(EngineValueKind.Object, element.Clone(), 0),
    };

    public static EngineValue FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    /// <summary>A JSON number literal: an integer when it has no fraction and no exponent, else a double.</summary>
    public static EngineValue FromNumberLiteral(string literal)
    {
        if (literal.AsSpan().IndexOfAny('.', 'e', 'E') >= 0)
        {
            return FromDouble(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture));
        }

        return long.TryParse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var small)
            ? FromInteger(small)
            : FromInteger(BigInteger.Parse(literal, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));
    }

    public static implicit operator EngineValue(string value) => FromString(value);

    public static implicit operator EngineValue(long value) => FromInteger(value);

    public static implicit operator EngineValue(int value) => FromInteger(value);

    public static implicit operator EngineValue(double value) => FromDouble(value);

    public static implicit operator EngineValue(bool value) => FromBool(value);

    public string AsString => Kind == EngineValueKind.String ? (string)_reference! : throw WrongKind(EngineValueKind.String);

    public double AsDouble => Kind == EngineValueKind.Double ? BitConverter.Int64BitsToDouble(_bits) : throw WrongKind(EngineValueKind.Double);

    public bool AsBool => Kind == EngineValueKind.Bool ? _bits != 0 : throw WrongKind(EngineValueKind.Bool);

    /// <summary>True when an integer fits a long (the usual case); <see cref="AsBigInteger"/> reads any integer.</summary>
    public bool IsSmallInteger => Kind == EngineValueKind.Integer && _reference is null;

    public long AsLong => IsSmallInteger ? _bits : throw new InvalidOperationException("The value is not an integer that fits a long.");

    public BigInteger AsBigInteger => Kind == EngineValueKind.Integer
        ? _reference is BigInteger big ? big : _bits
        : throw WrongKind(EngineValueKind.Integer);

    public JsonElement AsJsonElement => Kind is EngineValueKind.Array or EngineValueKind.Object
        ? (JsonElement)_reference!
        : throw WrongKind(EngineValueKind.Object);

    /// <summary>A number as a double (integers rounded to nearest, as Python's <c>float(int)</c>).</summary>
    internal double ToDouble() => Kind switch
    {
        EngineValueKind.Double => BitConverter.Int64BitsToDouble(_bits),
        EngineValueKind.Integer => _reference is BigInteger big ? (double)big : _bits,
        EngineValueKind.Bool => _bits,
        _ => throw new InvalidOperationException($"A {Kind} value is not a number."),
    };

    /// <summary>Python's <c>str(value)</c>: see <see cref="PythonText"/>.</summary>
    public string ToPythonString() => Kind switch
    {
        EngineValueKind.String => (string)_reference!,
        EngineValueKind.Integer => _reference is BigInteger big ? big.ToString(CultureInfo.InvariantCulture) : _bits.ToString(CultureInfo.InvariantCulture),
        EngineValueKind.Double => PythonText.FormatFloat(BitConverter.Int64BitsToDouble(_bits)),
        EngineValueKind.Bool => _bits != 0 ? "True" : "False",
        EngineValueKind.Null => "None",
        _ => PythonText.FormatContainer(AsJsonElement),
    };

    /// <summary>Writes <see cref="ToPythonString"/> into <paramref name="destination"/> when it fits, without allocating.</summary>
    internal bool TryFormatPython(Span<char> destination, out int written)
    {
        switch (Kind)
        {
            case EngineValueKind.String:
                var text = (string)_reference!;
                written = text.Length;
                return text.AsSpan().TryCopyTo(destination);
            case EngineValueKind.Integer when _reference is null:
                return _bits.TryFormat(destination, out written, default, CultureInfo.InvariantCulture);
            case EngineValueKind.Bool:
                var word = _bits != 0 ? "True" : "False";
                written = word.Length;
                return word.AsSpan().TryCopyTo(destination);
            case EngineValueKind.Double:
                return PythonText.TryFormatFloat(BitConverter.Int64BitsToDouble(_bits), destination, out written);
            default:
                var slow = ToPythonString();
                written = slow.Length;
                return slow.AsSpan().TryCopyTo(destination);
        }
    }

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Kind)
        {
            case EngineValueKind.Null: writer.WriteNullValue(); break;
            case EngineValueKind.String: writer.WriteStringValue((string)_reference!); break;
            case EngineValueKind.Bool: writer.WriteBooleanValue(_bits != 0); break;
            case EngineValueKind.Integer when _reference is null: writer.WriteNumberValue(_bits); break;
            case EngineValueKind.Integer: writer.WriteRawValue(((BigInteger)_reference).ToString(CultureInfo.InvariantCulture), skipInputValidation: true); break;
            case EngineValueKind.Double: writer.WriteRawValue(PythonText.FormatJsonFloat(BitConverter.Int64BitsToDouble(_bits)), skipInputValidation: true); break;
            default: ((JsonElement)_reference!).WriteTo(writer); break;
        }
    }

    /// <summary>The value as one compact JSON literal.</summary>
    public string ToJson()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public override string ToString() => ToJson();

    /// <summary>Same kind and same value (doubles by bits, so <c>NaN</c> equals itself here; arrays and objects by JSON text).</summary>
    public bool Equals(EngineValue other) =>
        Kind == other.Kind && Kind switch
        {
            EngineValueKind.String => (string)_reference! == (string)other._reference!,
            EngineValueKind.Integer => _reference is null && other._reference is null ? _bits == other._bits : AsBigInteger == other.AsBigInteger,
            EngineValueKind.Array or EngineValueKind.Object => AsJsonElement.GetRawText() == other.AsJsonElement.GetRawText(),
            _ => _bits == other._bits,
        };

    public override bool Equals(object? obj) => obj is EngineValue other && Equals(other);

    public override int GetHashCode() => HashCode.Combine(Kind, _bits, _reference is string or BigInteger ? _reference : null);

    public static bool operator ==(EngineValue left, EngineValue right) => left.Equals(right);

    public static bool operator !=(EngineValue left, EngineValue right) => !left.Equals(right);

    private InvalidOperationException WrongKind(EngineValueKind wanted) => new($"The value is {Kind}, not {wanted}.");
}
