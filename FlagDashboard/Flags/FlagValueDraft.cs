using FlagDashboard.Core.Flags;

namespace FlagDashboard.Flags;

/// <summary>A value being typed: its chosen type and text, parsed only when it is saved.</summary>
public sealed class FlagValueDraft
{
    public FlagValueDraft()
    {
    }

    public FlagValueDraft(FlagValue value)
    {
        Type = value.Type;
        Text = value.ToDisplayText();
    }

    public FlagValueType Type { get; set; } = FlagValueType.None;

    public string Text { get; set; } = "";

    /// <summary>Why the text is not a value of the type, after <see cref="TryParse"/>, or a message from the service.</summary>
    public string? Error { get; set; }

    public static IReadOnlyList<(FlagValueType Type, string Name)> Types { get; } =
    [
        (FlagValueType.None, "No value"),
        (FlagValueType.String, "Text"),
        (FlagValueType.Integer, "Integer"),
        (FlagValueType.Double, "Decimal"),
        (FlagValueType.Bool, "Boolean"),
    ];

    public static string TypeName(FlagValueType type) => Types.FirstOrDefault(t => t.Type == type).Name ?? type.ToString();

    public bool TryParse(out FlagValue value)
    {
        var parsed = FlagValue.TryParse(Type, Text, out value, out var error);
        Error = error;
        return parsed;
    }
}
