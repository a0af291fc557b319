using System.Globalization;
using System.Numerics;
using System.Text;
using System.Text.Json;
using FlagDashboard.Core.Engine.JsonPath;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Core.Engine;

internal enum ConditionOperator
{
    Unknown,
    Equal,
    NotEqual,
    GreaterThan,
    GreaterThanInclusive,
    LessThan,
    LessThanInclusive,
    Contains,
    NotContains,
    In,
    Regex,
    IsSet,
    IsNotSet,
    Modulo,
    PercentageSplit,
}

/// <summary>
/// A condition with everything that does not depend on the identity worked out once: the operator, the
/// property's lookup (trait name, parsed JSONPath), and the condition value cast to each type a context
/// value may have (bool, integer, double, semver), the IN set, the regex and the split threshold.
/// </summary>
internal sealed class CompiledCondition
{
    private const string SemverSuffix = ":semver";

    private readonly string _value;
    private readonly bool _valueIsText;
    private readonly bool _boolCast;
    private readonly bool _integerCastOk;
    private readonly long _integerCastSmall;
    private readonly BigInteger _integerCast;
    private readonly bool _integerCastIsSmall;
    private readonly bool _doubleCastOk;
    private readonly double _doubleCast;
    private readonly bool _isSemver;
    private readonly bool _semverOk;
    private readonly SemanticVersion _semver;
    private readonly string _semverText = "";
    private readonly HashSet<string>? _inSet;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _inLookup;
    private readonly CompiledRegex? _regex;
    private readonly bool _moduloOk;
    private readonly double _divisor;
    private readonly double _remainder;
    private readonly byte[] _splitPrefix = [];
    private readonly bool _thresholdOk;
    private readonly double _threshold;
    private readonly int _splitSlot = -1;

    public CompiledCondition(ConditionContext condition, SegmentContext segment, CompilationScope compilation)
    {
        Property = condition.Property;
        Operator = ParseOperator(condition.Operator);
        Access = Operator == ConditionOperator.PercentageSplit && Property.Length == 0
            ? PropertyAccess.IdentityKeyAsIs
            : PropertyAccess.For(Property, compilation.StaticRoot);

        _valueIsText = condition.Value.Kind is not (EngineValueKind.Array or EngineValueKind.Object);
        _value = _valueIsText ? condition.Value.ToPythonString() : "";

        switch (Operator)
        {
            case ConditionOperator.In:
                _inSet = new HashSet<string>(InItems(condition.Value), StringComparer.Ordinal);
                _inLookup = _inSet.GetAlternateLookup<ReadOnlySpan<char>>();
                Cost = 2;
                break;
            case ConditionOperator.PercentageSplit:
                _thresholdOk = _valueIsText && PythonText.TryParseFloat(_value, out _threshold);
                _splitPrefix = Encoding.UTF8.GetBytes(segment.Key + ",");
                if (Access == PropertyAccess.IdentityKeyAsIs && _thresholdOk && _threshold is >= 0 and < 100)
                {
                    _splitSlot = compilation.IdentityKeySplitPrefixes.Count;
                    compilation.IdentityKeySplitPrefixes.Add(_splitPrefix);
                }
                Cost = 50;
                break;
            case ConditionOperator.Regex:
                var pattern = _valueIsText ? PythonRegex.TryCreate(_value, compilation.Options.CompileRegexes, compilation.Options.BacktrackingLimit) : null;
                _regex = pattern is null ? null : new CompiledRegex(pattern, segment, Property, compilation.Logger);
                Cost = 10;
                break;
            case ConditionOperator.Modulo:
                var parts = _value.Split('|');
                _moduloOk = _valueIsText && parts.Length == 2
                    && PythonText.TryParseFloat(parts[0], out _divisor)
                    && PythonText.TryParseFloat(parts[1], out _remainder);
                Cost = 2;
                break;
            default:
                _boolCast = _value is not ("False" or "false");
                _integerCastOk = PythonText.TryParseInteger(_value, out _integerCast);
                _integerCastIsSmall = _integerCastOk && _integerCast >= long.MinValue && _integerCast <= long.MaxValue;
                _integerCastSmall = _integerCastIsSmall ? (long)_integerCast : 0;
                _doubleCastOk = PythonText.TryParseFloat(_value, out _doubleCast);
                _isSemver = _value.EndsWith(SemverSuffix, StringComparison.Ordinal);
                if (_isSemver)
                {
                    _semverText = _value[..^SemverSuffix.Length];
                    _semverOk = SemanticVersion.TryParse(_semverText, out _semver);
                }

                Cost = _isSemver ? 8 : 2;
                break;
        }

        Cost += Access.Cost;
    }

    public string Property { get; }

    public ConditionOperator Operator { get; }

    public PropertyAccess Access { get; }

    /// <summary>A rough relative cost; a rule tries its cheaper conditions first (the answer does not depend on the order).</summary>
    public int Cost { get; }

    public static ConditionOperator ParseOperator(string name) => name switch
    {
        Operators.Equal => ConditionOperator.Equal,
        Operators.NotEqual => ConditionOperator.NotEqual,
        Operators.GreaterThan => ConditionOperator.GreaterThan,
        Operators.GreaterThanInclusive => ConditionOperator.GreaterThanInclusive,
        Operators.LessThan => ConditionOperator.LessThan,
        Operators.LessThanInclusive => ConditionOperator.LessThanInclusive,
        Operators.Contains => ConditionOperator.Contains,
        Operators.NotContains => ConditionOperator.NotContains,
        Operators.In => ConditionOperator.In,
        Operators.Regex => ConditionOperator.Regex,
        Operators.IsSet => ConditionOperator.IsSet,
        Operators.IsNotSet => ConditionOperator.IsNotSet,
        Operators.Modulo => ConditionOperator.Modulo,
        Operators.PercentageSplit => ConditionOperator.PercentageSplit,
        _ => ConditionOperator.Unknown,
    };

    public bool Matches(ref EvaluationScope scope)
    {
        // The identity key is hashed from its UTF-8 bytes, without making its string.
        if (Access == PropertyAccess.IdentityKeyAsIs)
        {
            return scope.HasIdentity && _thresholdOk && (_threshold >= 100 || (_threshold >= 0 && scope.IdentityKeySplit(_splitSlot) <= _threshold));
        }

        return Matches(Access.Resolve(ref scope));
    }

    /// <summary>The operator applied to a context value (<see cref="EngineValue.Null"/> when unset).</summary>
    public bool Matches(EngineValue cv)
    {
        var unset = cv.IsNull;
        switch (Operator)
        {
            case ConditionOperator.In:
                return cv.Kind switch
                {
                    EngineValueKind.String => _inSet!.Contains(cv.AsString),
                    EngineValueKind.Integer when cv.IsSmallInteger => ContainsInteger(cv.AsLong),
                    EngineValueKind.Integer => _inSet!.Contains(cv.ToPythonString()),
                    _ => false,
                };
            case ConditionOperator.PercentageSplit:
                // A hash lies in [0, 100): a threshold of 100 or more always passes, a negative one never does.
                return !unset && _thresholdOk && (_threshold >= 100 || (_threshold >= 0 && SplitPercentage(cv) <= _threshold));
            case ConditionOperator.IsSet:
                return !unset;
            case ConditionOperator.IsNotSet:
                return unset;
            case ConditionOperator.Unknown:
                return false;
        }

        if (unset)
        {
            return false;
        }

        switch (Operator)
        {
            case ConditionOperator.NotContains:
                return _valueIsText && cv.Kind == EngineValueKind.String && !cv.AsString.Contains(_value, StringComparison.Ordinal);
            case ConditionOperator.Regex:
                return _regex is not null && MatchesRegex(cv);
            case ConditionOperator.Modulo:
                return _moduloOk && cv.Kind is EngineValueKind.Integer or EngineValueKind.Double or EngineValueKind.Bool && Modulo(cv.ToDouble());
        }

        if (!_valueIsText)
        {
            return false;
        }

        if (_isSemver && cv.Kind == EngineValueKind.String)
        {
            return CompareSemver(cv.AsString);
        }

        switch (cv.Kind)
        {
            case EngineValueKind.String:
                var text = cv.AsString;
                return Operator == ConditionOperator.Contains
                    ? text.Contains(_value, StringComparison.Ordinal)
                    : Apply(Operator == ConditionOperator.Equal || Operator == ConditionOperator.NotEqual
                        ? (string.Equals(text, _value, StringComparison.Ordinal) ? 0 : 1)
                        : CodePointOrder.Compare(text, _value));
            case EngineValueKind.Bool:
                return Operator != ConditionOperator.Contains && Apply(cv.AsBool.CompareTo(_boolCast));
            case EngineValueKind.Integer:
                if (!_integerCastOk || Operator == ConditionOperator.Contains)
                {
                    return false;
                }

                return Apply(cv.IsSmallInteger && _integerCastIsSmall
                    ? cv.AsLong.CompareTo(_integerCastSmall)
                    : cv.AsBigInteger.CompareTo(_integerCast));
            case EngineValueKind.Double:
                if (!_doubleCastOk || Operator == ConditionOperator.Contains)
                {
                    return false;
                }

                var number = cv.AsDouble;
                if (double.IsNaN(number) || double.IsNaN(_doubleCast))
                {
                    return Operator == ConditionOperator.NotEqual;
                }

                return Apply(number.CompareTo(_doubleCast));
            default:
                return false;
        }
    }

    private bool Apply(int order) => Operator switch
    {
        ConditionOperator.Equal => order == 0,
        ConditionOperator.NotEqual => order != 0,
        ConditionOperator.GreaterThan => order > 0,
        ConditionOperator.GreaterThanInclusive => order >= 0,
        ConditionOperator.LessThan => order < 0,
        ConditionOperator.LessThanInclusive => order <= 0,
        _ => false,
    };

    private bool CompareSemver(string text)
    {
        if (!SemanticVersion.TryParse(text, out var version))
        {
            return false;
        }

        if (Operator == ConditionOperator.Contains)
        {
            return version.HasPrereleaseOrBuild(_semverText);
        }

        return _semverOk && Apply(version.CompareTo(_semver));
    }

    private bool ContainsInteger(long value)
    {
        Span<char> digits = stackalloc char[20];
        value.TryFormat(digits, out var written, default, CultureInfo.InvariantCulture);
        return _inLookup.Contains(digits[..written]);
    }

    private bool MatchesRegex(EngineValue cv)
    {
        if (cv.Kind == EngineValueKind.String)
        {
            return _regex!.Matches(cv.AsString);
        }

        Span<char> text = stackalloc char[64];
        return cv.TryFormatPython(text, out var written)
            ? _regex!.Matches(text[..written])
            : _regex!.Matches(cv.ToPythonString());
    }

    private double SplitPercentage(EngineValue cv)
    {
        if (cv.Kind == EngineValueKind.String)
        {
            return PercentageHash.Percentage(_splitPrefix, cv.AsString);
        }

        Span<char> text = stackalloc char[64];
        return cv.TryFormatPython(text, out var written)
            ? PercentageHash.Percentage(_splitPrefix, text[..written])
            : PercentageHash.Percentage(_splitPrefix, cv.ToPythonString());
    }

    // Python's float %: the result takes the divisor's sign.
    private bool Modulo(double value)
    {
        if (_divisor == 0)
        {
            return false;
        }

        var mod = value % _divisor;
        if (mod != 0)
        {
            if ((_divisor < 0) != (mod < 0))
            {
                mod += _divisor;
            }
        }
        else
        {
            mod = double.CopySign(0, _divisor);
        }

        return mod == _remainder;
    }

    private static IEnumerable<string> InItems(EngineValue value)
    {
        if (value.Kind == EngineValueKind.Array)
        {
            return value.AsJsonElement.EnumerateArray().Select(PythonText.FormatJsonItem).ToList();
        }

        var text = value.ToPythonString();
        if (text.StartsWith('['))
        {
            try
            {
                using var document = JsonDocument.Parse(text);
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    return document.RootElement.EnumerateArray().Select(PythonText.FormatJsonItem).ToList();
                }
            }
            catch (JsonException)
            {
                // Not a JSON array after all: split on commas like any other string.
            }
        }

        return text.Split(',');
    }
}
