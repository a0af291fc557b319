namespace FlagDashboard.Core.Engine.JsonPath;

internal sealed record PathSegment(bool Descendant, Selector[] Selectors);

internal abstract class Selector
{
    public abstract void Select(PathNode node, PathNode root, List<PathNode> output);
}

internal sealed class NameSelector(string name) : Selector
{
    public string Name { get; } = name;

    public override void Select(PathNode node, PathNode root, List<PathNode> output)
    {
        if (node.Member(Name) is { } child)
        {
            output.Add(child);
        }
    }
}

internal sealed class WildcardSelector : Selector
{
    public static readonly WildcardSelector Instance = new();

    public override void Select(PathNode node, PathNode root, List<PathNode> output)
    {
        if (node.Members is not null)
        {
            foreach (var member in node.Members)
            {
                output.Add(member.Value);
            }
        }
        else if (node.Items is not null)
        {
            output.AddRange(node.Items);
        }
    }
}

internal sealed class IndexSelector(long index) : Selector
{
    public long Index { get; } = index;

    public override void Select(PathNode node, PathNode root, List<PathNode> output)
    {
        if (node.Items is null)
        {
            return;
        }

        var i = Index < 0 ? node.Items.Count + Index : Index;
        if (i >= 0 && i < node.Items.Count)
        {
            output.Add(node.Items[(int)i]);
        }
    }
}

internal sealed class SliceSelector(long? start, long? end, long? step) : Selector
{
    public override void Select(PathNode node, PathNode root, List<PathNode> output)
    {
        if (node.Items is null)
        {
            return;
        }

        long length = node.Items.Count;
        var s = step ?? 1;
        if (s == 0)
        {
            return;
        }

        static long Normalize(long i, long length) => i >= 0 ? i : length + i;
        if (s > 0)
        {
            var lower = Math.Min(Math.Max(Normalize(start ?? 0, length), 0), length);
            var upper = Math.Min(Math.Max(Normalize(end ?? length, length), 0), length);
            for (var i = lower; i < upper; i += s)
            {
                output.Add(node.Items[(int)i]);
            }
        }
        else
        {
            var upper = Math.Min(Math.Max(start is null ? length - 1 : Normalize(start.Value, length), -1), length - 1);
            var lower = Math.Min(Math.Max(end is null ? -1 : Normalize(end.Value, length), -1), length - 1);
            for (var i = upper; i > lower; i += s)
            {
                output.Add(node.Items[(int)i]);
            }
        }
    }
}

internal sealed class FilterSelector(FilterExpression expression) : Selector
{
    public override void Select(PathNode node, PathNode root, List<PathNode> output)
    {
        if (node.Members is not null)
        {
            foreach (var member in node.Members)
            {
                if (expression.Test(member.Value, root))
                {
                    output.Add(member.Value);
                }
            }
        }
        else if (node.Items is not null)
        {
            foreach (var item in node.Items)
            {
                if (expression.Test(item, root))
                {
                    output.Add(item);
                }
            }
        }
    }
}
