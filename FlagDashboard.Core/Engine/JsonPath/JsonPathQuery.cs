namespace FlagDashboard.Core.Engine.JsonPath;

/// <summary>
/// An RFC 9535 JSONPath query, read as the Python package jsonpath-rfc9535 reads it (member-name
/// shorthands may also contain <c>-</c> after their first character). Parsed once; selects nodes in
/// document order.
/// </summary>
internal sealed partial class JsonPathQuery
{
    private JsonPathQuery(string text, PathSegment[] segments)
    {
        Text = text;
        Segments = segments;
    }

    public string Text { get; }

    internal PathSegment[] Segments { get; }

    /// <summary>The member names when the query is a plain chain <c>$.a.b['c']</c>, else null.</summary>
    public IReadOnlyList<string>? NameChain
    {
        get
        {
            var names = new List<string>(Segments.Length);
            foreach (var segment in Segments)
            {
                if (segment.Descendant || segment.Selectors.Length != 1 || segment.Selectors[0] is not NameSelector name)
                {
                    return null;
                }

                names.Add(name.Name);
            }

            return names;
        }
    }

    public static bool TryParse(string text, out JsonPathQuery? query)
    {
        try
        {
            query = Parse(text);
            return true;
        }
        catch (FormatException)
        {
            query = null;
            return false;
        }
    }

    public static JsonPathQuery Parse(string text)
    {
        var parser = new Parser(text);
        var segments = parser.ParseRootQuery();
        return new JsonPathQuery(text, segments);
    }

    /// <summary>The first node of the result, or null when the nodelist is empty.</summary>
    public PathNode? First(PathNode root)
    {
        var nodes = new List<PathNode>();
        Select(Segments, root, root, nodes);
        return nodes.Count > 0 ? nodes[0] : null;
    }

    public List<PathNode> Select(PathNode root)
    {
        var nodes = new List<PathNode>();
        Select(Segments, root, root, nodes);
        return nodes;
    }

    internal static void Select(PathSegment[] segments, PathNode start, PathNode root, List<PathNode> output)
    {
        List<PathNode> current = [start];
        foreach (var segment in segments)
        {
            var next = new List<PathNode>();
            foreach (var node in current)
            {
                if (segment.Descendant)
                {
                    Descend(segment, node, root, next);
                }
                else
                {
                    ApplySelectors(segment, node, root, next);
                }
            }

            current = next;
        }

        output.AddRange(current);
    }

    private static void Descend(PathSegment segment, PathNode node, PathNode root, List<PathNode> output)
    {
        ApplySelectors(segment, node, root, output);
        if (node.Members is not null)
        {
            foreach (var member in node.Members)
            {
                Descend(segment, member.Value, root, output);
            }
        }
        else if (node.Items is not null)
        {
            foreach (var item in node.Items)
            {
                Descend(segment, item, root, output);
            }
        }
    }

    private static void ApplySelectors(PathSegment segment, PathNode node, PathNode root, List<PathNode> output)
    {
        foreach (var selector in segment.Selectors)
        {
            selector.Select(node, root, output);
        }
    }
}
