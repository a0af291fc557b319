using FlagDashboard.Core.Flags;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlagDashboard.Core.Data;

/// <summary>Stores a typed value as one JSON literal, which keeps its type: <c>"1"</c>, <c>1</c>, <c>1.0</c>, <c>true</c>.</summary>
internal sealed class FlagValueConverter() : ValueConverter<FlagValue, string>(
    value => value.ToJson(),
    json => FlagValue.FromJson(json));
