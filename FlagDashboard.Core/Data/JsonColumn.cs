using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data;

internal static class JsonColumn
{
    /// <summary>Keeps a small object graph that is always read and written whole (tags, a rules tree) in one text column.</summary>
    public static PropertyBuilder<T> HasJsonConversion<T>(this PropertyBuilder<T> property)
        where T : class, new() =>
        property.HasConversion(
            value => JsonSerializer.Serialize(value, JsonOptions.Compact),
            json => JsonSerializer.Deserialize<T>(json, JsonOptions.Compact) ?? new T(),
            new ValueComparer<T>(
                (a, b) => JsonSerializer.Serialize(a, JsonOptions.Compact) == JsonSerializer.Serialize(b, JsonOptions.Compact),
                value => JsonSerializer.Serialize(value, JsonOptions.Compact).GetHashCode(StringComparison.Ordinal),
                value => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value, JsonOptions.Compact), JsonOptions.Compact)!));
}
