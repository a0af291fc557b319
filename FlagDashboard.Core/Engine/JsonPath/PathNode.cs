using System.Text.Json;

namespace FlagDashboard.Core.Engine.JsonPath;

/// <summary>A JSON value as JSONPath queries see it: a scalar, an object (members in document order) or an array.</summary>
internal sealed class PathNode
{
    private PathNode(EngineValueKind kind, EngineValue scalar, List<KeyValuePair<string, PathNode>>? members, List<PathNode>? items)
    {
        Kind = kind;
        Scalar = scalar;
        Members = members;
        Items = items;
    }

    public EngineValueKind Kind { get; }

    /// <summary>The value of a scalar node (strings, numbers, bools, null).</summary>
    public EngineValue Scalar { get; }

    public List<KeyValuePair<string, PathNode>>? Members { get; }

    public List<PathNode>? Items { get; }

    public static PathNode Object(List<KeyValuePair<string, PathNode>> members) => new(EngineValueKind.Object, default, members, null);

    public static PathNode Array(List<PathNode> items) => new(EngineValueKind.Array, default, null, items);

    public static PathNode FromValue(EngineValue value) =>
        value.Kind is EngineValueKind.Array or EngineValueKind.Object ? FromJson(value.AsJsonElement) : new(value.Kind, value, null, null);

    public static PathNode FromJson(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                var members = new List<KeyValuePair<string, PathNode>>();
                foreach (var property in element.EnumerateObject())
                {
                    members.Add(new(property.Name, FromJson(property.Value)));
                }

                return Object(members);
            case JsonValueKind.Array:
                var items = new List<PathNode>();
                foreach (var item in element.EnumerateArray())
                {
                    items.Add(FromJson(item));
                }

                return Array(items);
            default:
                return FromValue(EngineValue.FromJson(element));
        }
    }

    public PathNode? Member(string name)
    {
        if (Members is null)
        {
            return null;
        }

        // Duplicate names: the last one wins, as in Python's json.loads.
        for (var i = Members.Count - 1; i >= 0; i--)
        {
            if (Members[i].Key == name)
            {
                return Members[i].Value;
            }
        }

        return null;
    }

    public bool DeepEquals(PathNode other)
    {
        if (Kind is EngineValueKind.Integer or EngineValueKind.Double && other.Kind is EngineValueKind.Integer or EngineValueKind.Double)
        {
            return NumberOrder.Compare(Scalar, other.Scalar) == 0;
        }

        if (Kind != other.Kind)
        {
            return false;
        }

        switch (Kind)
        {
            case EngineValueKind.Array:
                if (Items!.Count != other.Items!.Count)
                {
                    return false;
                }

                for (var i = 0; i < Items.Count; i++)
                {
                    if (!Items[i].DeepEquals(other.Items[i]))
                    {
                        return false;
                    }
                }

                return true;
            case EngineValueKind.Object:
                if (Members!.Count != other.Members!.Count)
                {
                    return false;
                }

                foreach (var (name, value) in Members)
                {
                    var match = other.Member(name);
                    if (match is null || !value.DeepEquals(match))
                    {
                        return false;
                    }
                }

                return true;
            default:
                return Scalar.Equals(other.Scalar);
        }
    }
}

/// <summary>Compares integers (of any size) and doubles by value. NaN compares as unordered (returns null).</summary>
internal static class NumberOrder
{
    public static int? CompareOrNull(EngineValue left, EngineValue right)
    {
        if (left.Kind == EngineValueKind.Integer && right.Kind == EngineValueKind.Integer)
        {
            return left.IsSmallInteger && right.IsSmallInteger
                ? left.AsLong.CompareTo(right.AsLong)
                : left.AsBigInteger.CompareTo(right.AsBigInteger);
        }

        var a = left.ToDouble();
        var b = right.ToDouble();
        if (double.IsNaN(a) || double.IsNaN(b))
        {
            return null;
        }

        // A big integer against a double: compare exactly when the double is integral and finite.
        if (left.Kind == EngineValueKind.Integer && !left.IsSmallInteger && double.IsFinite(b) && Math.Floor(b) == b)
        {
            return left.AsBigInteger.CompareTo(new System.Numerics.BigInteger(b));
        }

        if (right.Kind == EngineValueKind.Integer && !right.IsSmallInteger && double.IsFinite(a) && Math.Floor(a) == a)
        {
            return new System.Numerics.BigInteger(a).CompareTo(right.AsBigInteger);
        }

        return a.CompareTo(b);
    }

    public static int Compare(EngineValue left, EngineValue right) => CompareOrNull(left, right) ?? 1;
}
