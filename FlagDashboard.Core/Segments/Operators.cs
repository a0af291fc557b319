namespace FlagDashboard.Core.Segments;

/// <summary>The 14 condition operators of Flagsmith's engine, spelled as on the wire.</summary>
public static class Operators
{
    public const string Equal = "EQUAL";
    public const string NotEqual = "NOT_EQUAL";
    public const string GreaterThan = "GREATER_THAN";
    public const string GreaterThanInclusive = "GREATER_THAN_INCLUSIVE";
    public const string LessThan = "LESS_THAN";
    public const string LessThanInclusive = "LESS_THAN_INCLUSIVE";
    public const string Contains = "CONTAINS";
    public const string NotContains = "NOT_CONTAINS";
    public const string In = "IN";
    public const string Regex = "REGEX";
    public const string IsSet = "IS_SET";
    public const string IsNotSet = "IS_NOT_SET";
    public const string Modulo = "MODULO";
    public const string PercentageSplit = "PERCENTAGE_SPLIT";

    public static IReadOnlyList<string> All { get; } =
    [
        Equal, NotEqual, GreaterThan, GreaterThanInclusive, LessThan, LessThanInclusive, Contains,
        NotContains, In, Regex, IsSet, IsNotSet, Modulo, PercentageSplit,
    ];

    public static bool IsKnown(string name) => All.Contains(name, StringComparer.Ordinal);
}
