using System.Globalization;
using System.Text.Json;

namespace FlagDashboard.Core.Flags;

public enum FlagValueType
{
    None,
    String,
    Integer,
    Double,
    Bool,
}

/// <summary>
/// A typed remote-config or trait value. Integer and double stay distinct (<c>1</c> and <c>1.0</c> are
/// different values), as Flagsmith's engine and SDKs keep them.
/// </summary>
public readonly record struct FlagValue
{
    private readonly string? _text;
    private readonly long _integer;
    private readonly double _double;
    private readonly bool _bool;

    private FlagValue(FlagValueType type, string? text = null, long integer = 0, double number = 0, bool flag = false)
    {
        Type = type;
        _text = text;
        _integer = integer;
        _double = number;
        _bool = flag;
    }

    public FlagValueType Type { get; }

    public static FlagValue None => default;

    public static FlagValue FromString(string value) => new(FlagValueType.String, text: value);

    public static FlagValue FromInteger(long value) => new(FlagValueType.Integer, integer: value);

    public static FlagValue FromDouble(double value) =>
        double.IsFinite(value)
            ? new(FlagValueType.Double, number: value)
            : throw new ArgumentOutOfRangeException(nameof(value), "A flag value must be a finite number.");

    public static FlagValue FromBool(bool value) => new(FlagValueType.Bool, flag: value);

    public bool IsNone => Type == FlagValueType.None;

    public string AsString => Type == FlagValueType.String ? _text! : throw WrongType(FlagValueType.String);

    public long AsInteger => Type == FlagValueType.Integer ? _integer : throw WrongType(FlagValueType.Integer);

    public double AsDouble => Type == FlagValueType.Double ? _double : throw WrongType(FlagValueType.Double);

    public bool AsBool => Type == FlagValueType.Bool ? _bool : throw WrongType(FlagValueType.Bool);

    /// <summary>The value as one JSON literal: <c>"text"</c>, <c>42</c>, <c>1.5</c>, <c>2.0</c>, <c>true</c>, <c>null</c>.</summary>
    public string ToJson() => Type switch
    {
        FlagValueType.None => "null",
        FlagValueType.String => JsonSerializer.Serialize(_text, JsonOptions.Compact),
        FlagValueType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        FlagValueType.Double => FormatDouble(_double),
        FlagValueType.Bool => _bool ? "true" : "false",
        _ => throw new InvalidOperationException($"Unknown value type {Type}."),
    };

    public void WriteTo(Utf8JsonWriter writer)
    {
        switch (Type)
        {
            case FlagValueType.None: writer.WriteNullValue(); break;
            case FlagValueType.String: writer.WriteStringValue(_text); break;
            case FlagValueType.Integer: writer.WriteNumberValue(_integer); break;
            case FlagValueType.Double: writer.WriteRawValue(FormatDouble(_double), skipInputValidation: true); break;
            case FlagValueType.Bool: writer.WriteBooleanValue(_bool); break;
        }
    }

    /// <summary>Reads one JSON literal; objects and arrays are not flag values.</summary>
    public static FlagValue FromJson(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => None,
        JsonValueKind.String => FromString(JsonText.GetString(element)),
        JsonValueKind.True => FromBool(true),
        JsonValueKind.False => FromBool(false),
        JsonValueKind.Number => FromNumberText(element.GetRawText()),
        _ => throw new FormatException($"Expected a string, number, boolean or null, found {element.ValueKind.ToString().ToLowerInvariant()}."),
    };

    public static FlagValue FromJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return FromJson(document.RootElement);
    }

    /// <summary>Parses the text a person typed for a value of the given type.</summary>
    public static bool TryParse(FlagValueType type, string? text, out FlagValue value, out string? error)
    {
        value = None;
        error = null;
        switch (type)
        {
            case FlagValueType.None:
                return true;
            case FlagValueType.String:
                value = FromString(text ?? "");
                return true;
            case FlagValueType.Integer when long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                value = FromInteger(integer);
                return true;
            case FlagValueType.Double when double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                value = FromDouble(number);
                return true;
            case FlagValueType.Bool when bool.TryParse(text?.Trim(), out var flag):
                value = FromBool(flag);
                return true;
            default:
                error = type switch
                {
                    FlagValueType.Integer => $"'{text}' is not a whole number between {long.MinValue} and {long.MaxValue}.",
                    FlagValueType.Double => $"'{text}' is not a finite decimal number.",
                    FlagValueType.Bool => $"'{text}' is not true or false.",
                    _ => $"Unknown value type {type}.",
                };
                return false;
        }
    }

    /// <summary>The value as a person reads and edits it (no JSON quoting).</summary>
    public string ToDisplayText() => Type switch
    {
        FlagValueType.None => "",
        FlagValueType.String => _text!,
        FlagValueType.Bool => _bool ? "true" : "false",
        _ => ToJson(),
    };

    public override string ToString() => ToJson();

    private static FlagValue FromNumberText(string raw)
    {
        var isInteger = raw.AsSpan().IndexOfAny('.', 'e', 'E') < 0;
        if (isInteger && long.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            return FromInteger(integer);
        }

        if (isInteger)
        {
            throw new FormatException($"The integer {raw} is outside the supported range ({long.MinValue} to {long.MaxValue}).");
        }

        // JSON allows 1e400; a double cannot hold it, and .NET reads it as infinity rather than failing.
        var number = double.Parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture);
        return double.IsFinite(number)
            ? FromDouble(number)
            : throw new FormatException($"The number {raw} is outside the range of a double (about ±1.8e308).");
    }

    // A double always carries a fraction or exponent so that it reads back as a double, never an integer.
    private static string FormatDouble(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.AsSpan().IndexOfAny('.', 'E', 'N') >= 0 || text.Contains('I') ? text : text + ".0";
    }

    private InvalidOperationException WrongType(FlagValueType wanted) =>
        new($"The value is of type {Type}, not {wanted}.");
}
