using System.Globalization;
using System.Text;

namespace FlagDashboard.Core.Engine.JsonPath;

internal sealed partial class JsonPathQuery
{
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
