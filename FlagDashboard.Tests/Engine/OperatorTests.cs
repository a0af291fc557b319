using FlagDashboard.Core.Engine;
using static FlagDashboard.Tests.Engine.EngineTestContexts;

namespace FlagDashboard.Tests.Engine;

/// <summary>Each of the 14 operators on context values of each kind (traits given as JSON literals).</summary>
public sealed class OperatorTests
{
    [Theory]
    [InlineData("\"5\"", "5", true)]         // numeric string -> integer 5, integer cast of "5"
    [InlineData("\"5\"", " 5 ", true)]       // integer cast allows surrounding whitespace
    [InlineData("\"5\"", "5.0", false)]      // "5.0" fails the integer cast
    [InlineData("5", "5", true)]
    [InlineData("10", "1_0", true)]
    [InlineData("5.0", "5", true)]           // double cv: double cast
    [InlineData("\"5.0\"", "5", true)]       // "5.0" -> double 5.0
    [InlineData("\"007\"", "7", true)]
    [InlineData("\"007\"", "007", true)]
    [InlineData("\"abc\"", "abc", true)]
    [InlineData("\"abc\"", "ABC", false)]
    [InlineData("\"+3\"", "3", false)]       // "+3" stays a string
    [InlineData("true", "True", true)]
    [InlineData("true", "false", false)]
    [InlineData("false", "False", true)]
    [InlineData("false", "false", true)]
    [InlineData("false", "no", false)]       // any value but "False"/"false" casts to True
    [InlineData("true", "0", true)]
    [InlineData("10000000000000000001", "10000000000000000001", true)]
    [InlineData("\"10000000000000000001\"", "10000000000000000000", false)]
    [InlineData("1.5", "١.٥", true)]         // Unicode digits in the double cast
    public void EqualCastsTheValueToTheContextValuesType(string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches("EQUAL", value, trait));
    }

    [Theory]
    [InlineData("5", "6", true)]
    [InlineData("5", "5", false)]
    [InlineData("5", "2.0", false)]          // a failed cast is false, even for NOT_EQUAL
    [InlineData("1.5", "nan", true)]         // NaN: every comparison false, NOT_EQUAL true
    [InlineData("\"a\"", "b", true)]
    public void NotEqualIsTheNegatedComparisonButAFailedCastIsFalse(string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches("NOT_EQUAL", value, trait));
    }

    [Fact]
    public void NotEqualOnAnUnsetValueIsFalse()
    {
        Assert.False(Matches("NOT_EQUAL", "x", null));
    }

    [Theory]
    [InlineData("GREATER_THAN", "\"a9\"", "10", true)]               // strings: code point order
    [InlineData("GREATER_THAN", "\"10\"", "9", true)]                // "10" becomes the integer 10
    [InlineData("GREATER_THAN", "\"\\ud83d\\ude00\"", "\uffff", true)] // U+1F600 > U+FFFF (UTF-16 order says less)
    [InlineData("LESS_THAN", "\"\\ud83d\\ude00\"", "\uffff", false)]
    [InlineData("GREATER_THAN", "true", "false", true)]              // False < True
    [InlineData("LESS_THAN", "false", "anything", true)]
    [InlineData("GREATER_THAN_INCLUSIVE", "true", "yes", true)]
    [InlineData("GREATER_THAN", "3", "2.0", false)]                   // integer cast of "2.0" fails
    [InlineData("GREATER_THAN", "2.5", "2", true)]
    [InlineData("GREATER_THAN", "2.5", "nan", false)]
    [InlineData("LESS_THAN_INCLUSIVE", "2.5", "nan", false)]
    [InlineData("GREATER_THAN_INCLUSIVE", "5", "5", true)]
    [InlineData("GREATER_THAN_INCLUSIVE", "4", "5", false)]
    [InlineData("LESS_THAN", "4", "5", true)]
    [InlineData("LESS_THAN", "\"-4\"", "-3", true)]
    [InlineData("LESS_THAN_INCLUSIVE", "5.0", "5", true)]
    [InlineData("LESS_THAN_INCLUSIVE", "6", "5", false)]
    [InlineData("GREATER_THAN", "\"10000000000000000001\"", "10000000000000000000", true)]
    [InlineData("GREATER_THAN", "\"1.10\"", "1.9", false)]          // "1.10" is the double 1.1
    public void OrderingsCompareByTheContextValuesType(string op, string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches(op, value, trait));
    }

    [Theory]
    [InlineData("\"hello world\"", "lo w", true)]
    [InlineData("\"hello\"", "x", false)]
    [InlineData("123", "2", false)]        // not a string
    [InlineData("\"123\"", "2", false)]    // "123" became an integer
    [InlineData("true", "r", false)]
    [InlineData("1.5", ".", false)]
    public void ContainsIsASubstringTestOnStringsOnly(string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches("CONTAINS", value, trait));
    }

    [Theory]
    [InlineData("\"hello\"", "x", true)]
    [InlineData("\"hello\"", "ell", false)]
    [InlineData("123", "9", false)]
    [InlineData("\"123\"", "9", false)]
    [InlineData("true", "x", false)]
    [InlineData("\"1.2.3\"", "1.2.3:semver", true)] // no semver handling: the whole value is the substring
    public void NotContainsIsTrueOnlyForAStringWithoutTheSubstring(string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches("NOT_CONTAINS", value, trait));
    }

    [Fact]
    public void NotContainsOnAnUnsetValueIsFalse()
    {
        Assert.False(Matches("NOT_CONTAINS", "x", null));
    }

    [Theory]
    [InlineData("GREATER_THAN", "\"1.2.3\"", "1.2.0:semver", true)]
    [InlineData("GREATER_THAN", "\"1.10.0\"", "1.9.0:semver", true)]     // as strings it would be false
    [InlineData("EQUAL", "\"1.2.3\"", "1.2.3+build.7:semver", true)]     // build metadata ignored
    [InlineData("EQUAL", "\"1.2.3\\n\"", "1.2.3:semver", true)]          // one final newline tolerated
    [InlineData("EQUAL", "\"1.2.3\\n\\n\"", "1.2.3:semver", false)]
    [InlineData("LESS_THAN", "\"1.2.3-beta\"", "1.2.3:semver", true)]
    [InlineData("LESS_THAN", "\"1.0.0-alpha\"", "1.0.0-alpha.1:semver", true)]
    [InlineData("GREATER_THAN_INCLUSIVE", "\"2.0.0\"", "2.0.0:semver", true)]
    [InlineData("LESS_THAN_INCLUSIVE", "\"2.0.1\"", "2.0.0:semver", false)]
    [InlineData("NOT_EQUAL", "\"1.2\"", "1.2.3:semver", false)]          // invalid cv: false
    [InlineData("NOT_EQUAL", "\"1.2.3\"", "1.2:semver", false)]          // invalid value: false
    [InlineData("NOT_EQUAL", "\"1.2.4\"", "1.2.3:semver", true)]
    [InlineData("EQUAL", "\"v1.2.3\"", "1.2.3:semver", false)]
    [InlineData("EQUAL", "1", "1:semver", false)]                         // integer cv: integer cast fails
    [InlineData("CONTAINS", "\"1.2.3-beta.1\"", "beta.1:semver", true)]  // the whole pre-release
    [InlineData("CONTAINS", "\"1.2.3-beta.1\"", "beta:semver", false)]
    [InlineData("CONTAINS", "\"1.0.0+build5\"", "build5:semver", true)]  // the whole build part
    [InlineData("CONTAINS", "\"1.0.0-rc.1+build5\"", "rc.1:semver", true)]
    [InlineData("CONTAINS", "\"1.0.0\"", "1:semver", false)]             // numbers never equal a string
    [InlineData("CONTAINS", "\"1.0\"", "1.0:semver", false)]             // invalid cv
    public void SemverValuesCompareBySemVerPrecedence(string op, string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches(op, value, trait));
    }

    [Theory]
    [InlineData("a,b,c", "\"b\"", true)]
    [InlineData("a, b", "\"b\"", false)]                // no trimming
    [InlineData("a, b", "\" b\"", true)]
    [InlineData("[\"a\",\"b\"]", "\"b\"", true)]       // a JSON array string
    [InlineData("[1, 2]", "\"2\"", true)]               // items become str(item); "2" becomes 2 -> "2"
    [InlineData("[1, 2]", "2", true)]
    [InlineData("[1.0]", "\"1.0\"", false)]             // a double never matches
    [InlineData("[true]", "\"True\"", true)]            // str(True) is "True"; the trait stays a string
    [InlineData("[\"a\",", "\"\"", true)]               // invalid JSON: split on commas -> ['["a"', '']
    [InlineData("[\"a\",", "\"a\"", false)]
    [InlineData("007,8", "\"007\"", false)]             // "007" becomes 7, compared as "7"
    [InlineData("7,8", "\"007\"", true)]
    [InlineData("1.5", "1.5", false)]                   // double cv never matches
    [InlineData("True", "true", false)]                 // bool cv never matches
    [InlineData("10000000000000000001", "10000000000000000001", true)]
    [InlineData("", "\"\"", true)]
    public void InSplitsOrParsesTheValueAndComparesStrings(string value, string trait, bool expected)
    {
        Assert.Equal(expected, Matches("IN", value, trait));
    }

    [Fact]
    public void InTakesAListValueWithNonStringItemsByTheirStr()
    {
        var condition = new ConditionContext("trait", "IN", EngineValue.FromJson("[\"x\", 5, true]"));

        Assert.True(Matches(condition, Identity("user", ("trait", "5"))));
        Assert.True(Matches(condition, Identity("user", ("trait", "\"x\""))));
        Assert.False(Matches(condition, Identity("user", ("trait", "\"y\""))));
    }

    [Fact]
    public void InOnAnUnsetValueIsFalse()
    {
        Assert.False(Matches("IN", "", null));
        Assert.False(Matches("IN", "None", null));
    }

    [Theory]
    [InlineData("a", "\"abc\"", true)]                   // anchored at the start only
    [InlineData("b", "\"abc\"", false)]
    [InlineData("c$", "\"abc\"", false)]
    [InlineData(".*c$", "\"abc\"", true)]
    [InlineData("abc$", "\"abc\\n\"", true)]              // $ matches before a final newline
    [InlineData("abc\\Z", "\"abc\\n\"", false)]           // Python's \Z is the very end
    [InlineData("abc\\Z", "\"abc\"", true)]
    [InlineData("(?P<x>a)(?P=x)", "\"aab\"", true)]      // Python named groups and back-references
    [InlineData("(?P<x>a)(?P=x)", "\"abb\"", false)]
    [InlineData("a{,2}b", "\"aab\"", true)]              // Python's {,n} is {0,n}
    [InlineData("ABC", "\"abc\"", false)]                // case-sensitive
    [InlineData("[", "\"[\"", false)]                    // invalid pattern: false
    [InlineData("(?P<x", "\"x\"", false)]
    [InlineData("4", "42", true)]                        // str(42)
    [InlineData("Tr", "true", true)]                     // str(True)
    [InlineData("2\\.0", "2.0", true)]                   // str(2.0)
    [InlineData("7$", "\"007\"", true)]                  // "007" became 7
    [InlineData("0", "\"007\"", false)]
    [InlineData("[]a]", "\"]\"", true)]                  // ']' first in a class is literal
    public void RegexMatchesPythonPatternsAtTheStartOfStr(string pattern, string trait, bool expected)
    {
        Assert.Equal(expected, Matches("REGEX", pattern, trait));
    }

    [Fact]
    public void RegexOnAnUnsetValueIsFalse()
    {
        Assert.False(Matches("REGEX", ".*", null));
    }

    [Theory]
    [InlineData("4", "2|0", true)]
    [InlineData("5", "2|1", true)]
    [InlineData("5", "2|0", false)]
    [InlineData("-4", "3|2", true)]                       // floored: the sign follows the divisor
    [InlineData("4", "-3|-2", true)]
    [InlineData("4.5", "2|0.5", true)]
    [InlineData("true", "2|1", true)]                     // True counts as 1
    [InlineData("false", "2|0", true)]                    // False counts as 0
    [InlineData("4", "0|0", false)]                       // divisor 0
    [InlineData("4", "2", false)]
    [InlineData("4", "a|0", false)]
    [InlineData("4", "2|0|1", false)]
    [InlineData("\"abc\"", "2|0", false)]
    [InlineData("\"4\"", "2|0", true)]                    // "4" became an integer
    [InlineData("\"10000000000000000001\"", "2|0", true)] // computed in double precision
    [InlineData("4", " 2.0 |0", true)]
    [InlineData("4", "2|0.0", true)]
    public void ModuloIsAFlooredDoubleModulo(string trait, string value, bool expected)
    {
        Assert.Equal(expected, Matches("MODULO", value, trait));
    }

    [Fact]
    public void ModuloOnAnUnsetValueIsFalse()
    {
        Assert.False(Matches("MODULO", "2|0", null));
    }

    [Theory]
    [InlineData("\"x\"", true)]
    [InlineData("0", true)]
    [InlineData("false", true)]
    [InlineData("\"\"", true)]
    [InlineData("null", false)]    // a null trait is unset
    [InlineData(null, false)]
    public void IsSetAndIsNotSetTellWhetherTheValueIsSet(string? trait, bool set)
    {
        Assert.Equal(set, Matches("IS_SET", "", trait));
        Assert.Equal(!set, Matches("IS_NOT_SET", "", trait));
    }

    [Fact]
    public void WithoutAnIdentityEveryTraitIsUnset()
    {
        Assert.True(Matches(Condition("trait", "IS_NOT_SET", ""), identity: null));
        Assert.False(Matches(Condition("trait", "IS_SET", ""), identity: null));
    }

    [Theory]
    [InlineData("54.53090618123625", true)]   // hash(["78986","test_env_foobar"]) = 54.53090618123625: inclusive
    [InlineData("54.5309061812362", false)]
    [InlineData("55", true)]
    [InlineData("54", false)]
    [InlineData(" 60 ", true)]
    [InlineData("1e2", true)]
    [InlineData("6_0", true)]
    [InlineData("50%", false)]
    [InlineData("", false)]
    public void PercentageSplitWithAnEmptyPropertyHashesTheIdentityKey(string threshold, bool expected)
    {
        var context = new EvaluationContext
        {
            Environment = new EnvironmentContext("test_env", "Test"),
            Segments = [Segment("78986", "split", All(Condition("", "PERCENTAGE_SPLIT", threshold)))],
        };

        var result = CompiledEnvironment.Compile(context).Evaluate(new IdentityContext("foobar"));

        Assert.Equal(expected, result.Segments.Count == 1);
    }

    [Theory]
    [InlineData("\"32103813\"", "49.27985597119424", true)]  // hash(["78986","32103813"]) = 49.27985597119424
    [InlineData("\"32103813\"", "49.2798559711942", false)]
    [InlineData("32103813", "49.27985597119424", true)]
    public void PercentageSplitOnATraitHashesItsStr(string trait, string threshold, bool expected)
    {
        Assert.Equal(expected, Matches(Condition("userId", "PERCENTAGE_SPLIT", threshold), Identity("user", ("userId", trait)), segmentKey: "78986"));
    }

    [Theory]
    [InlineData("true", "23.59471894378876", true)]    // hash(["1","True"]), computed with Python's hashlib
    [InlineData("true", "23.5947189437887", false)]
    [InlineData("\"1.50\"", "50.82016403280656", true)] // "1.50" -> 1.5 -> "1.5"; hash(["1","1.5"])
    [InlineData("\"1.50\"", "50.8201640328065", false)]
    [InlineData("\"007\"", "3.7407481496299257", true)]  // "007" -> 7 -> "7"; hash(["1","7"])
    [InlineData("\"007\"", "3.74074814962992", false)]
    public void PercentageSplitHashesStrOfTheCoercedValue(string trait, string threshold, bool expected)
    {
        Assert.Equal(expected, Matches(Condition("t", "PERCENTAGE_SPLIT", threshold), Identity("user", ("t", trait)), segmentKey: "1"));
    }

    [Fact]
    public void PercentageSplitWithoutAnIdentityOrValueIsFalse()
    {
        Assert.False(Matches(Condition("", "PERCENTAGE_SPLIT", "100"), identity: null));
        Assert.False(Matches(Condition("missing", "PERCENTAGE_SPLIT", "100"), Identity()));
    }

    [Fact]
    public void PercentageSplitOnTheIdentityKeyDoesNotCoerceIt()
    {
        // Key "1.50" stays the string "1.50": hash(["1","1.50"]) = 5.731146229245849 (Python's hashlib),
        // while "1.5" would give 50.82016403280656.
        var condition = Condition("", "PERCENTAGE_SPLIT", "5.731146229245849");

        Assert.True(Matches(condition, new IdentityContext("x") { Key = "1.50" }));
        Assert.False(Matches(condition, new IdentityContext("x") { Key = "1.5" }));
    }

    [Theory]
    [InlineData("FOO")]
    [InlineData("equal")]
    [InlineData("")]
    public void AnUnknownOperatorNeverMatches(string op)
    {
        Assert.False(Matches(op, "x", "\"x\""));
        Assert.False(Matches(op, "x", null));
    }
}
