using System.Text.Json;

namespace FlagDashboard.Core;

/// <summary>
/// Reading JSON strings that came from outside. The reader checks a document's structure, not the text inside
/// its strings: invalid UTF-8 or a lone UTF-16 surrogate (<c>"\ud800"</c>) only fails when the string is read,
/// with an <see cref="InvalidOperationException"/> that would otherwise escape as a server error.
/// </summary>
public static class JsonText
{
    public const string NulMessage = "Contains a NUL character (U+0000), which cannot be stored.";

    /// <exception cref="FormatException">The string is not valid Unicode text.</exception>
    public static string GetString(JsonElement element)
    {
        try
        {
            return element.GetString()!;
        }
        catch (InvalidOperationException exception) when (element.ValueKind == JsonValueKind.String)
        {
            throw new FormatException("not valid Unicode text: the string has invalid UTF-8 or a lone UTF-16 surrogate.", exception);
        }
    }

    /// <summary>PostgreSQL refuses U+0000 in text and in jsonb, so it is refused on the way in on every database.</summary>
    public static bool HasNul(string? text) => text is not null && text.Contains('\0', StringComparison.Ordinal);
}
