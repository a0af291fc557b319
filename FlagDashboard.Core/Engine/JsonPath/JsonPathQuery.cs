using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FlagDashboard.Core.Engine.JsonPath;

/// <summary>
/// An RFC 9535 JSONPath query, read as the Python package jsonpath-rfc9535 reads it (member-name
/// shorthands may also contain <c>-</c> after their first character). Parsed once; selects nodes in
/// document order.
/// </summary>
internal sealed class JsonPathQuery
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

    private sealed class Parser(string text)
    {
        private int _pos;

        public PathSegment[] ParseRootQuery()
        {
            if (!Take('$'))
            {
                throw Error("a query starts with '$'");
            }

            var segments = ParseSegments();
            if (_pos != text.Length)
            {
                throw Error("unexpected text");
            }

            return segments;
        }

        private PathSegment[] ParseSegments()
        {
            var segments = new List<PathSegment>();
            while (true)
            {
                var save = _pos;
                SkipBlank();
                if (Peek(".."))
                {
                    _pos += 2;
                    if (Peek('['))
                    {
                        segments.Add(new PathSegment(true, ParseBracketed()));
                    }
                    else if (Take('*'))
                    {
                        segments.Add(new PathSegment(true, [WildcardSelector.Instance]));
                    }
                    else
                    {
                        segments.Add(new PathSegment(true, [new NameSelector(ParseShorthand())]));
                    }
                }
                else if (Peek('.'))
                {
                    _pos++;
                    if (Take('*'))
                    {
                        segments.Add(new PathSegment(false, [WildcardSelector.Instance]));
                    }
                    else
                    {
                        segments.Add(new PathSegment(false, [new NameSelector(ParseShorthand())]));
                    }
                }
                else if (Peek('['))
                {
                    segments.Add(new PathSegment(false, ParseBracketed()));
                }
                else
                {
                    _pos = save;
                    return [.. segments];
                }
            }
        }

        private string ParseShorthand()
        {
            var start = _pos;
            if (_pos >= text.Length || !IsNameFirst(text[_pos]))
            {
                throw Error("expected a member name");
            }

            _pos++;
            while (_pos < text.Length && (IsNameFirst(text[_pos]) || char.IsAsciiDigit(text[_pos]) || text[_pos] == '-'))
            {
                _pos++;
            }

            return text[start.._pos];
        }

        private static bool IsNameFirst(char c) => char.IsAsciiLetter(c) || c == '_' || c >= 0x80;

        private Selector[] ParseBracketed()
        {
            Expect('[');
            var selectors = new List<Selector>();
            while (true)
            {
                SkipBlank();
                selectors.Add(ParseSelector());
                SkipBlank();
                if (Take(']'))
                {
                    return [.. selectors];
                }

                Expect(',');
            }
        }

        private Selector ParseSelector()
        {
            if (_pos >= text.Length)
            {
                throw Error("expected a selector");
            }

            var c = text[_pos];
            if (c is '\'' or '"')
            {
                return new NameSelector(ParseStringLiteral());
            }

            if (c == '*')
            {
                _pos++;
                return WildcardSelector.Instance;
            }

            if (c == '?')
            {
                _pos++;
                SkipBlank();
                var expression = ParseLogicalOr();
                CheckLogical(expression);
                return new FilterSelector(expression);
            }

            // index or slice
            long? start = null;
            if (c != ':')
            {
                start = ParseInteger();
                SkipBlank();
                if (!Peek(':'))
                {
                    return new IndexSelector(start.Value);
                }
            }

            Expect(':');
            SkipBlank();
            long? end = null;
            long? step = null;
            if (_pos < text.Length && (text[_pos] == '-' || char.IsAsciiDigit(text[_pos])))
            {
                end = ParseInteger();
                SkipBlank();
            }

            if (Take(':'))
            {
                SkipBlank();
                if (_pos < text.Length && (text[_pos] == '-' || char.IsAsciiDigit(text[_pos])))
                {
                    step = ParseInteger();
                }
            }

            return new SliceSelector(start, end, step);
        }

        private long ParseInteger()
        {
            var start = _pos;
            Take('-');
            if (_pos >= text.Length || !char.IsAsciiDigit(text[_pos]))
            {
                throw Error("expected an integer");
            }

            if (text[_pos] == '0')
            {
                _pos++;
                if (_pos - start > 1)
                {
                    throw Error("-0 is not an index");
                }

                if (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    throw Error("leading zeros are not allowed");
                }

                return 0;
            }

            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            if (!long.TryParse(text.AsSpan(start, _pos - start), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                || value > 9007199254740991 || value < -9007199254740991)
            {
                throw Error("the integer is out of range");
            }

            return value;
        }

        private string ParseStringLiteral()
        {
            var quote = text[_pos++];
            var builder = new StringBuilder();
            while (true)
            {
                if (_pos >= text.Length)
                {
                    throw Error("unterminated string");
                }

                var c = text[_pos++];
                if (c == quote)
                {
                    return builder.ToString();
                }

                if (c < 0x20)
                {
                    throw Error("control character in a string");
                }

                if (c != '\\')
                {
                    builder.Append(c);
                    continue;
                }

                if (_pos >= text.Length)
                {
                    throw Error("unterminated escape");
                }

                var escape = text[_pos++];
                switch (escape)
                {
                    case 'b': builder.Append('\b'); break;
                    case 'f': builder.Append('\f'); break;
                    case 'n': builder.Append('\n'); break;
                    case 'r': builder.Append('\r'); break;
                    case 't': builder.Append('\t'); break;
                    case '/': builder.Append('/'); break;
                    case '\\': builder.Append('\\'); break;
                    case 'u':
                        var unit = ParseHex4();
                        if (char.IsHighSurrogate(unit))
                        {
                            if (!Peek("\\u"))
                            {
                                throw Error("a lone surrogate");
                            }

                            _pos += 2;
                            var low = ParseHex4();
                            if (!char.IsLowSurrogate(low))
                            {
                                throw Error("a lone surrogate");
                            }

                            builder.Append(unit).Append(low);
                        }
                        else if (char.IsLowSurrogate(unit))
                        {
                            throw Error("a lone surrogate");
                        }
                        else
                        {
                            builder.Append(unit);
                        }

                        break;
                    default:
                        if (escape == quote)
                        {
                            builder.Append(escape);
                            break;
                        }

                        throw Error($"invalid escape \\{escape}");
                }
            }
        }

        private char ParseHex4()
        {
            if (_pos + 4 > text.Length || !ushort.TryParse(text.AsSpan(_pos, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var unit))
            {
                throw Error("invalid \\u escape");
            }

            _pos += 4;
            return (char)unit;
        }

        // ---- filter expressions ----

        /// <param name="argument">A function argument may also be a bare literal or value function.</param>
        private FilterExpression ParseLogicalOr(bool argument = false)
        {
            var left = ParseLogicalAnd(argument);
            while (true)
            {
                var save = _pos;
                SkipBlank();
                if (!Peek("||"))
                {
                    _pos = save;
                    return left;
                }

                _pos += 2;
                SkipBlank();
                var right = ParseLogicalAnd(argument: false);
                CheckLogical(left);
                CheckLogical(right);
                left = new OrExpression(left, right);
            }
        }

        private FilterExpression ParseLogicalAnd(bool argument)
        {
            var left = ParseBasic(argument);
            while (true)
            {
                var save = _pos;
                SkipBlank();
                if (!Peek("&&"))
                {
                    _pos = save;
                    return left;
                }

                _pos += 2;
                SkipBlank();
                var right = ParseBasic(argument: false);
                CheckLogical(left);
                CheckLogical(right);
                left = new AndExpression(left, right);
            }
        }

        private FilterExpression ParseBasic(bool argument)
        {
            if (Take('!'))
            {
                SkipBlank();
                if (Peek('('))
                {
                    return new NotExpression(ParseParen());
                }

                var operand = ParsePrimary();
                if (operand is not (QueryExpression or FunctionExpression))
                {
                    throw Error("'!' applies to a query, a function or a parenthesised expression");
                }

                CheckLogical(operand);
                return new NotExpression(operand);
            }

            if (Peek('('))
            {
                return ParseParen();
            }

            var left = ParsePrimary();
            var save = _pos;
            SkipBlank();
            var op = ParseComparisonOperator();
            if (op is null)
            {
                _pos = save;
                if (left is LiteralExpression && !argument)
                {
                    throw Error("a literal is not a test");
                }

                return left;
            }

            SkipBlank();
            var right = ParsePrimary();
            CheckComparable(left);
            CheckComparable(right);
            return new ComparisonExpression(left, op, right);
        }

        private FilterExpression ParseParen()
        {
            Expect('(');
            SkipBlank();
            var inner = ParseLogicalOr();
            CheckLogical(inner);
            SkipBlank();
            Expect(')');
            return new ParenExpression(inner);
        }

        private string? ParseComparisonOperator()
        {
            foreach (var op in (string[])["==", "!=", "<=", ">=", "<", ">"])
            {
                if (Peek(op))
                {
                    _pos += op.Length;
                    return op;
                }
            }

            return null;
        }

        private FilterExpression ParsePrimary()
        {
            if (_pos >= text.Length)
            {
                throw Error("expected an expression");
            }

            var c = text[_pos];
            if (c is '\'' or '"')
            {
                return new LiteralExpression(PathNode.FromValue(EngineValue.FromString(ParseStringLiteral())));
            }

            if (c == '@' || c == '$')
            {
                _pos++;
                var segments = ParseSegments();
                return new QueryExpression(c == '@', segments);
            }

            if (c == '-' || char.IsAsciiDigit(c))
            {
                return new LiteralExpression(PathNode.FromValue(ParseNumber()));
            }

            if (TakeWord("true"))
            {
                return new LiteralExpression(PathNode.FromValue(EngineValue.FromBool(true)));
            }

            if (TakeWord("false"))
            {
                return new LiteralExpression(PathNode.FromValue(EngineValue.FromBool(false)));
            }

            if (TakeWord("null"))
            {
                return new LiteralExpression(PathNode.FromValue(EngineValue.Null));
            }

            if (char.IsAsciiLetterLower(c))
            {
                return ParseFunction();
            }

            throw Error("expected an expression");
        }

        private EngineValue ParseNumber()
        {
            var start = _pos;
            Take('-');
            if (_pos >= text.Length || !char.IsAsciiDigit(text[_pos]))
            {
                throw Error("expected a number");
            }

            if (text[_pos] == '0')
            {
                _pos++;
                if (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    throw Error("leading zeros are not allowed");
                }
            }
            else
            {
                while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
                {
                    _pos++;
                }
            }

            var isDouble = false;
            if (Peek('.'))
            {
                _pos++;
                isDouble = true;
                if (!ReadDigits())
                {
                    throw Error("expected digits after '.'");
                }
            }

            if (_pos < text.Length && text[_pos] is 'e' or 'E')
            {
                _pos++;
                isDouble = true;
                if (_pos < text.Length && text[_pos] is '+' or '-')
                {
                    _pos++;
                }

                if (!ReadDigits())
                {
                    throw Error("expected exponent digits");
                }
            }

            var literal = text[start.._pos];
            if (literal == "-0")
            {
                return EngineValue.FromInteger(0);
            }

            return isDouble
                ? EngineValue.FromDouble(double.Parse(literal, NumberStyles.Float, CultureInfo.InvariantCulture))
                : EngineValue.FromNumberLiteral(literal);
        }

        private bool ReadDigits()
        {
            var start = _pos;
            while (_pos < text.Length && char.IsAsciiDigit(text[_pos]))
            {
                _pos++;
            }

            return _pos > start;
        }

        private FilterExpression ParseFunction()
        {
            var start = _pos;
            while (_pos < text.Length && (char.IsAsciiLetterLower(text[_pos]) || char.IsAsciiDigit(text[_pos]) || text[_pos] == '_'))
            {
                _pos++;
            }

            var name = text[start.._pos];
            if (!Take('('))
            {
                throw Error($"unknown literal or function '{name}'");
            }

            var arguments = new List<FilterExpression>();
            SkipBlank();
            if (!Take(')'))
            {
                while (true)
                {
                    SkipBlank();
                    arguments.Add(ParseLogicalOr(argument: true));
                    SkipBlank();
                    if (Take(')'))
                    {
                        break;
                    }

                    Expect(',');
                }
            }

            var function = new FunctionExpression(name, [.. arguments]);
            CheckFunction(function);
            return function;
        }

        // ---- well-typedness (RFC 9535 section 2.4.3) ----

        private void CheckFunction(FunctionExpression function)
        {
            var (parameters, _) = FunctionExpression.Signature(function.Name) ?? throw Error($"unknown function '{function.Name}'");
            if (parameters.Length != function.Arguments.Length)
            {
                throw Error($"{function.Name}() takes {parameters.Length} argument(s)");
            }

            for (var i = 0; i < parameters.Length; i++)
            {
                var argument = function.Arguments[i];
                var ok = parameters[i] switch
                {
                    ExpressionType.Value => argument is LiteralExpression
                        || (argument is QueryExpression query && query.IsSingular)
                        || (argument is FunctionExpression f && f.ResultType == ExpressionType.Value),
                    ExpressionType.Nodes => argument is QueryExpression
                        || (argument is FunctionExpression f && f.ResultType == ExpressionType.Nodes),
                    _ => argument is not LiteralExpression
                        && (argument is not FunctionExpression f || f.ResultType != ExpressionType.Value),
                };
                if (!ok)
                {
                    throw Error($"argument {i + 1} of {function.Name}() has the wrong type");
                }
            }
        }

        private void CheckLogical(FilterExpression expression)
        {
            if (expression is LiteralExpression || (expression is FunctionExpression f && f.ResultType == ExpressionType.Value))
            {
                throw Error("expected a logical expression");
            }
        }

        private void CheckComparable(FilterExpression expression)
        {
            var ok = expression is LiteralExpression
                || (expression is QueryExpression query && query.IsSingular)
                || (expression is FunctionExpression f && f.ResultType == ExpressionType.Value);
            if (!ok)
            {
                throw Error("only literals, singular queries and value functions can be compared");
            }
        }

        // ---- lexing helpers ----

        private void SkipBlank()
        {
            while (_pos < text.Length && text[_pos] is ' ' or '\t' or '\n' or '\r')
            {
                _pos++;
            }
        }

        private bool Peek(char c) => _pos < text.Length && text[_pos] == c;

        private bool Peek(string s) => _pos + s.Length <= text.Length && string.CompareOrdinal(text, _pos, s, 0, s.Length) == 0;

        private bool Take(char c)
        {
            if (Peek(c))
            {
                _pos++;
                return true;
            }

            return false;
        }

        private bool TakeWord(string word)
        {
            if (!Peek(word))
            {
                return false;
            }

            var end = _pos + word.Length;
            if (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '_' or '('))
            {
                return false;
            }

            _pos = end;
            return true;
        }

        private void Expect(char c)
        {
            if (!Take(c))
            {
                throw Error($"expected '{c}'");
            }
        }

        private FormatException Error(string message) =>
            new($"Invalid JSONPath '{text}' at {_pos}: {message}.");
    }
}

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

/// <summary>I-Regexp (RFC 9485) for match() and search(), run by .NET's engine: '.' excludes only \n and \r.</summary>
internal static class IRegexp
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string, bool), Regex?> Cache = new();

    public static Regex? Translate(string pattern, bool fullMatch) => Cache.GetOrAdd((pattern, fullMatch), static key =>
    {
        var (pattern, fullMatch) = key;
        var builder = new StringBuilder();
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                builder.Append(c).Append(pattern[++i]);
            }
            else if (c == '[')
            {
                inClass = true;
                builder.Append(c);
            }
            else if (c == ']')
            {
                inClass = false;
                builder.Append(c);
            }
            else if (c == '.' && !inClass)
            {
                builder.Append("[^\\n\\r]");
            }
            else
            {
                builder.Append(c);
            }
        }

        var translated = fullMatch ? $"\\A(?:{builder})\\z" : builder.ToString();
        try
        {
            return new Regex(translated, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        }
        catch (ArgumentException)
        {
            return null;
        }
    });
}

/// <summary>Orders strings by Unicode code point (UTF-16 ordinal order differs above U+FFFF).</summary>
internal static class CodePointOrder
{
    public static int Compare(string left, string right) => Compare(left.AsSpan(), right.AsSpan());

    public static int Compare(ReadOnlySpan<char> left, ReadOnlySpan<char> right)
    {
        var length = Math.Min(left.Length, right.Length);
        var i = left[..length].CommonPrefixLength(right[..length]);
        if (i == length)
        {
            return left.Length.CompareTo(right.Length);
        }

        var a = left[i];
        var b = right[i];
        // Surrogates (D800-DFFF) stand for code points above every BMP character, E000-FFFF included.
        if (a >= 0xD800 && b >= 0xD800)
        {
            var aSurrogate = char.IsSurrogate(a);
            var bSurrogate = char.IsSurrogate(b);
            if (aSurrogate != bSurrogate)
            {
                return aSurrogate ? 1 : -1;
            }
        }

        return a.CompareTo(b);
    }
}
