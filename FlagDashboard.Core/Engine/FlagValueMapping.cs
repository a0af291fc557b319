using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Engine;

public static class FlagValueMapping
{
    public static EngineValue ToEngineValue(this FlagValue value) => value.Type switch
    {
        FlagValueType.None => EngineValue.Null,
        FlagValueType.String => EngineValue.FromString(value.AsString),
        FlagValueType.Integer => EngineValue.FromInteger(value.AsInteger),
        FlagValueType.Double => EngineValue.FromDouble(value.AsDouble),
        FlagValueType.Bool => EngineValue.FromBool(value.AsBool),
        _ => throw new InvalidOperationException($"Unknown value type {value.Type}."),
    };
}
