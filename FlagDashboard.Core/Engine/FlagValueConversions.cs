using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Engine;

/// <summary>From the stored <see cref="FlagValue"/> to the engine's value, keeping the kind.</summary>
public static class FlagValueConversions
{
    public static EngineValue ToEngineValue(this FlagValue value) => value.Type switch
    {
        FlagValueType.String => EngineValue.FromString(value.AsString),
        FlagValueType.Integer => EngineValue.FromInteger(value.AsInteger),
        FlagValueType.Double => EngineValue.FromDouble(value.AsDouble),
        FlagValueType.Bool => EngineValue.FromBool(value.AsBool),
        _ => EngineValue.Null,
    };
}
