using System.Text.RegularExpressions;

namespace FlagDashboard.Core.Engine.JsonPath;

internal enum ExpressionType
{
    Value,
    Logical,
    Nodes,
}

internal abstract class FilterExpression
{
    /// <summary>The expression as a test (logical type; a query tests for a non-empty nodelist).</summary>
    public abstract bool Test(PathNode current, PathNode root);

    /// <summary>The expression as a value (value type): a node, or null for "Nothing".</summary>
    public virtual PathNode? Value(PathNode current, PathNode root) => throw new InvalidOperationException("Not a value expression.");
}

internal sealed class LiteralExpression(PathNode value) : FilterExpression
{
    public override bool Test(PathNode current, PathNode root) => throw new InvalidOperationException("A literal is not a test.");

    public override PathNode? Value(PathNode current, PathNode root) => value;
}

internal sealed class QueryExpression(bool relative, PathSegment[] segments) : FilterExpression
{
    public bool IsSingular { get; } = segments.All(s => !s.Descendant && s.Selectors.Length == 1 && s.Selectors[0] is NameSelector or IndexSelector);

    public List<PathNode> Nodes(PathNode current, PathNode root)
    {
        var output = new List<PathNode>();
        JsonPathQuery.Select(segments, relative ? current : root, root, output);
        return output;
    }

    public override bool Test(PathNode current, PathNode root) => Nodes(current, root).Count > 0;

    public override PathNode? Value(PathNode current, PathNode root)
    {
        var nodes = Nodes(current, root);
        return nodes.Count == 1 ? nodes[0] : null;
    }
}

internal sealed class NotExpression(FilterExpression operand) : FilterExpression
{
    public override bool Test(PathNode current, PathNode root) => !operand.Test(current, root);
}

internal sealed class ParenExpression(FilterExpression inner) : FilterExpression
{
    public override bool Test(PathNode current, PathNode root) => inner.Test(current, root);
}

internal sealed class AndExpression(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Test(PathNode current, PathNode root) => left.Test(current, root) && right.Test(current, root);
}

internal sealed class OrExpression(FilterExpression left, FilterExpression right) : FilterExpression
{
    public override bool Test(PathNode current, PathNode root) => left.Test(current, root) || right.Test(current, root);
}

internal sealed class ComparisonExpression(FilterExpression left, string op, FilterExpression right) : FilterExpression
{
    public override bool Test(PathNode current, PathNode root)
    {
        var a = left.Value(current, root);
        var b = right.Value(current, root);
        return op switch
        {
            "==" => AreEqual(a, b),
            "!=" => !AreEqual(a, b),
            "<" => IsLess(a, b),
            "<=" => IsLess(a, b) || AreEqual(a, b),
            ">" => IsLess(b, a),
            _ => IsLess(b, a) || AreEqual(a, b),
        };
    }

    private static bool AreEqual(PathNode? a, PathNode? b) =>
        a is null || b is null ? a is null && b is null : a.DeepEquals(b);

    private static bool IsLess(PathNode? a, PathNode? b)
    {
        if (a is null || b is null)
        {
            return false;
        }

        if (a.Kind is EngineValueKind.Integer or EngineValueKind.Double && b.Kind is EngineValueKind.Integer or EngineValueKind.Double)
        {
            return NumberOrder.CompareOrNull(a.Scalar, b.Scalar) < 0;
        }

        return a.Kind == EngineValueKind.String && b.Kind == EngineValueKind.String
            && CodePointOrder.Compare(a.Scalar.AsString, b.Scalar.AsString) < 0;
    }
}

internal sealed class FunctionExpression(string name, FilterExpression[] arguments) : FilterExpression
{
    public string Name { get; } = name;

    public FilterExpression[] Arguments { get; } = arguments;

    public ExpressionType ResultType => Signature(Name)!.Value.Result;

    public static (ExpressionType[] Parameters, ExpressionType Result)? Signature(string name) => name switch
    {
        "length" => ([ExpressionType.Value], ExpressionType.Value),
        "count" => ([ExpressionType.Nodes], ExpressionType.Value),
        "value" => ([ExpressionType.Nodes], ExpressionType.Value),
        "match" => ([ExpressionType.Value, ExpressionType.Value], ExpressionType.Logical),
        "search" => ([ExpressionType.Value, ExpressionType.Value], ExpressionType.Logical),
        _ => null,
    };

    public override bool Test(PathNode current, PathNode root)
    {
        var input = Arguments[0].Value(current, root);
        var pattern = Arguments[1].Value(current, root);
        if (input is not { Kind: EngineValueKind.String } || pattern is not { Kind: EngineValueKind.String })
        {
            return false;
        }

        var regex = IRegexp.Translate(pattern.Scalar.AsString, fullMatch: Name == "match");
        if (regex is null)
        {
            return false;
        }

        try
        {
            return regex.IsMatch(input.Scalar.AsString);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    public override PathNode? Value(PathNode current, PathNode root)
    {
        switch (Name)
        {
            case "length":
                var value = Arguments[0].Value(current, root);
                return value switch
                {
                    { Kind: EngineValueKind.String } => Integer(CountCodePoints(value.Scalar.AsString)),
                    { Kind: EngineValueKind.Array } => Integer(value.Items!.Count),
                    { Kind: EngineValueKind.Object } => Integer(value.Members!.Count),
                    _ => null,
                };
            case "count":
                return Integer(((QueryExpression)Arguments[0]).Nodes(current, root).Count);
            default:
                var nodes = ((QueryExpression)Arguments[0]).Nodes(current, root);
                return nodes.Count == 1 ? nodes[0] : null;
        }
    }

    private static PathNode Integer(long value) => PathNode.FromValue(EngineValue.FromInteger(value));

    private static int CountCodePoints(string text)
    {
        var count = 0;
        foreach (var _ in text.EnumerateRunes())
        {
            count++;
        }

        return count;
    }
}
