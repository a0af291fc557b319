using System.Collections;
using System.Collections.Concurrent;
using System.Reflection;
using System.Text.Json;

namespace FlagDashboard.AdminApi;

/// <summary>
/// Finds a null in a request body where its type has none (<c>"rules": [null]</c>, <c>"conditions": null</c>), which
/// System.Text.Json lets through, so that the answer is a 400 naming it rather than a failure deep in a service.
/// Request bodies are records; only they, and records and lists inside them, are looked into.
/// </summary>
internal static class AdminApiNullItems
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> Properties = new();
    private static readonly ConcurrentDictionary<PropertyInfo, bool> NotNullable = new();

    /// <summary>The path of the first null where the body may not have one (a list item, or a property declared not nullable).</summary>
    public static string? Find(object? value) => Find(value, "", 0);

    private static string? Find(object? value, string path, int depth)
    {
        if (value is null || depth > 32 || !IsRecord(value.GetType()))
        {
            return null;
        }

        foreach (var property in Properties.GetOrAdd(value.GetType(), type => type.GetProperties(BindingFlags.Public | BindingFlags.Instance)))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            var child = property.GetValue(value);
            var childPath = path.Length == 0 ? name : $"{path}.{name}";
            if (child is null && NotNullable.GetOrAdd(property, p => new NullabilityInfoContext().Create(p).ReadState == NullabilityState.NotNull))
            {
                return childPath;
            }

            if (child is IEnumerable items and not string)
            {
                var index = 0;
                foreach (var item in items)
                {
                    var itemPath = $"{childPath}[{index++}]";
                    if (item is null)
                    {
                        return itemPath;
                    }

                    if (Find(item, itemPath, depth + 1) is { } inner)
                    {
                        return inner;
                    }
                }
            }
            else if (Find(child, childPath, depth + 1) is { } inner)
            {
                return inner;
            }
        }

        return null;
    }

    // The compiler gives every record a hidden <Clone>$ method; request bodies and the rule trees they carry are records.
    private static bool IsRecord(Type type) =>
        type.Namespace?.StartsWith("FlagDashboard", StringComparison.Ordinal) == true && type.GetMethod("<Clone>$") is not null;
}
