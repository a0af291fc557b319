using System.Buffers;
using System.Text.Json;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Sdk;

/// <summary>Reads SDK request bodies strictly enough that bad input is a 400 naming the field, never a 500.</summary>
internal static class SdkRequestReader
{
    public const int MaxBodyBytes = 1024 * 1024;
    public const int MaxTraits = 1000;

    /// <exception cref="SdkRequestException">The body is too large, empty or not JSON.</exception>
    public static async Task<JsonDocument> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            throw new SdkRequestException($"The request body is larger than {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var read = await request.Body.ReadAsync(buffer.GetMemory(8192), cancellationToken);
            if (read == 0)
            {
                break;
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxBodyBytes)
            {
                throw new SdkRequestException($"The request body is larger than {MaxBodyBytes} bytes.", StatusCodes.Status413PayloadTooLarge);
            }
        }

        if (buffer.WrittenCount == 0)
        {
            throw new SdkRequestException("The request needs a JSON body.");
        }

        try
        {
            return JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = 32 });
        }
        catch (JsonException exception)
        {
            throw new SdkRequestException($"The body is not valid JSON: {exception.Message}");
        }
    }

    public static JsonElement RequireObject(JsonElement element, string path) =>
        element.ValueKind == JsonValueKind.Object ? element : throw WrongType(path, "an object", element);

    public static string Identifier(JsonElement parent, string path)
    {
        if (!parent.TryGetProperty("identifier", out var element))
        {
            throw new SdkRequestException($"{path}identifier: required.");
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            throw WrongType($"{path}identifier", "a string", element);
        }

        return ValidIdentifier(StringOf(element, $"{path}identifier"), $"{path}identifier");
    }

    public static string ValidIdentifier(string? identifier, string field)
    {
        if (string.IsNullOrEmpty(identifier))
        {
            throw new SdkRequestException($"{field}: required, and not empty.");
        }

        if (identifier.Length > FieldLimits.Identifier)
        {
            throw new SdkRequestException($"{field}: at most {FieldLimits.Identifier} characters.");
        }

        if (identifier.Any(char.IsControl))
        {
            throw new SdkRequestException($"{field}: control characters are not allowed.");
        }

        return identifier;
    }

    public static bool OptionalBool(JsonElement parent, string name, string path) =>
        !parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null
            ? false
            : element.ValueKind is JsonValueKind.True or JsonValueKind.False
                ? element.GetBoolean()
                : throw WrongType($"{path}{name}", "true or false", element);

    public static IReadOnlyList<TraitInput> Traits(JsonElement parent, string path)
    {
        if (!parent.TryGetProperty("traits", out var traits) || traits.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (traits.ValueKind != JsonValueKind.Array)
        {
            throw WrongType($"{path}traits", "an array", traits);
        }

        if (traits.GetArrayLength() > MaxTraits)
        {
            throw new SdkRequestException($"{path}traits: at most {MaxTraits} traits in one request.");
        }

        var list = new List<TraitInput>(traits.GetArrayLength());
        var index = 0;
        foreach (var trait in traits.EnumerateArray())
        {
            list.Add(Trait(trait, $"{path}traits[{index++}]."));
        }

        return list;
    }

    public static TraitInput Trait(JsonElement element, string path)
    {
        RequireObject(element, path.TrimEnd('.'));
        if (!element.TryGetProperty("trait_key", out var key))
        {
            throw new SdkRequestException($"{path}trait_key: required.");
        }

        if (key.ValueKind != JsonValueKind.String)
        {
            throw WrongType($"{path}trait_key", "a string", key);
        }

        var name = StringOf(key, $"{path}trait_key");
        if (name.Length is 0 or > FieldLimits.TraitKey)
        {
            throw new SdkRequestException($"{path}trait_key: 1 to {FieldLimits.TraitKey} characters.");
        }

        if (JsonText.HasNul(name))
        {
            throw new SdkRequestException($"{path}trait_key: {JsonText.NulMessage}");
        }

        var value = element.TryGetProperty("trait_value", out var raw) ? TraitValue(raw, $"{path}trait_value") : FlagValue.None;
        return new TraitInput(name, value, OptionalBool(element, "transient", path));
    }

    private static FlagValue TraitValue(JsonElement element, string path)
    {
        if (element.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            throw WrongType(path, "a string, number, boolean or null", element);
        }

        FlagValue value;
        try
        {
            value = FlagValue.FromJson(element);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException or OverflowException)
        {
            throw new SdkRequestException($"{path}: {exception.Message}");
        }
        catch (InvalidOperationException)
        {
            throw new SdkRequestException($"{path}: {InvalidText}");
        }

        if (value.Type == FlagValueType.String && value.AsString.Length > FieldLimits.Value)
        {
            throw new SdkRequestException($"{path}: at most {FieldLimits.Value} characters.");
        }

        if (value.Type == FlagValueType.String && JsonText.HasNul(value.AsString))
        {
            throw new SdkRequestException($"{path}: {JsonText.NulMessage}");
        }

        return value;
    }

    private const string InvalidText = "not valid Unicode text (it holds a lone surrogate escape such as \\ud800).";

    /// <summary>A JSON string's value; one that is not valid Unicode (a lone surrogate escape) is a 400, not a crash.</summary>
    public static string StringOf(JsonElement element, string path)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException)
        {
            throw new SdkRequestException($"{path}: {InvalidText}");
        }
    }

    /// <summary>A property name, with the same care as <see cref="StringOf"/>.</summary>
    public static string NameOf(JsonProperty property)
    {
        try
        {
            return property.Name;
        }
        catch (InvalidOperationException)
        {
            throw new SdkRequestException($"A property name is {InvalidText}");
        }
    }

    private static SdkRequestException WrongType(string path, string expected, JsonElement found) =>
        new($"{path.TrimEnd('.')}: expected {expected}, found {Describe(found)}.");

    private static string Describe(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Number => "a number",
        JsonValueKind.String => "a string",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };
}
