using System.Text.Json;

namespace FlagDashboard.Audit;

public enum DiffKind
{
    Added,
    Removed,
    Changed,
    Unchanged,
}

/// <summary>One field of an audited entity: its path in the snapshot, and its JSON before and after.</summary>
public sealed record DiffLine(string Path, string? Before, string? After, DiffKind Kind);

/// <summary>Compares the before and after snapshots of an audit entry field by field.</summary>
public static class AuditDiff
{
    public static IReadOnlyList<DiffLine> Compare(string? beforeJson, string? afterJson)
    {
        var before = Flatten(beforeJson);
        var after = Flatten(afterJson);
        var paths = before.Keys.Concat(after.Keys).Distinct(StringComparer.Ordinal).ToList();
        var lines = new List<DiffLine>(paths.Count);
        foreach (var path in paths)
        {
            var hadBefore = before.TryGetValue(path, out var b);
            var hasAfter = after.TryGetValue(path, out var a);
            var kind = !hadBefore ? DiffKind.Added : !hasAfter ? DiffKind.Removed : b == a ? DiffKind.Unchanged : DiffKind.Changed;
            lines.Add(new DiffLine(path, b, a, kind));
        }

        return lines;
    }

    /// <summary>Leaf values by path (<c>name</c>, <c>rules[0].conditions[1].value</c>), in document order; a snapshot that is not JSON is one leaf.</summary>
    private static Dictionary<string, string> Flatten(string? json)
    {
        var leaves = new Dictionary<string, string>(StringComparer.Ordinal);
        if (string.IsNullOrEmpty(json))
        {
            return leaves;
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            Visit(document.RootElement, "", leaves);
        }
        catch (JsonException)
        {
            leaves["(value)"] = json;
        }

        return leaves;
    }

    private static void Visit(JsonElement element, string path, Dictionary<string, string> leaves)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object when element.EnumerateObject().Any():
                foreach (var property in element.EnumerateObject())
                {
                    Visit(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", leaves);
                }

                break;
            case JsonValueKind.Array when element.GetArrayLength() > 0:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Visit(item, $"{path}[{index++}]", leaves);
                }

                break;
            default:
                leaves[path.Length == 0 ? "(value)" : path] = element.GetRawText();
                break;
        }
    }
}
