using System.Text.Json;
using System.Text.Json.Serialization;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Flags;

/// <summary>A flag or trait value in the admin API is a plain JSON literal: <c>"text"</c>, <c>42</c>, <c>1.5</c>, <c>true</c> or <c>null</c>.</summary>
internal sealed class FlagValueJsonConverter : JsonConverter<FlagValue>
{
    public override bool HandleNull => true;

    public override FlagValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        try
        {
            return FlagValue.FromJson(document.RootElement);
        }
        catch (Exception exception) when (exception is FormatException or ArgumentOutOfRangeException)
        {
            throw new JsonException(exception.Message, exception);
        }
    }

    public override void Write(Utf8JsonWriter writer, FlagValue value, JsonSerializerOptions options) => value.WriteTo(writer);
}
