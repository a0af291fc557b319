using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Segments;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace FlagDashboard.Segments;

public partial class ConditionEditor
{
    [Parameter, EditorRequired]
    public ConditionDraft Condition { get; set; } = null!;

    /// <summary>The condition's path, e.g. <c>rules[0].conditions[1]</c>, the prefix of its validation errors.</summary>
    [Parameter, EditorRequired]
    public string Path { get; set; } = "";

    [Parameter]
    public IReadOnlyDictionary<string, string[]> Errors { get; set; } = new Dictionary<string, string[]>();

    [Parameter]
    public EventCallback OnRemove { get; set; }

    [Parameter]
    public EventCallback Changed { get; set; }

    private string _item = "";
    private string? _checkedPattern;
    private bool _needsBacktracking;

    private string? PropertyError => ErrorOf("property");

    private string? OperatorError => ErrorOf("operator");

    private string? ValueError => ErrorOf("value");

    /// <summary>True for a valid REGEX pattern that only the backtracking engine runs (checked once per pattern, not per render).</summary>
    private bool NeedsBacktracking
    {
        get
        {
            if (Condition.Operator != Operators.Regex)
            {
                return false;
            }

            if (!string.Equals(_checkedPattern, Condition.Value, StringComparison.Ordinal))
            {
                _checkedPattern = Condition.Value;
                _needsBacktracking = PythonRegex.NeedsBacktracking(Condition.Value);
            }

            return _needsBacktracking;
        }
    }

    private string? ErrorOf(string field) => Errors.TryGetValue($"{Path}.{field}", out var messages) ? string.Join(" ", messages) : null;

    private static string OperatorText(string op) => op switch
    {
        Operators.Equal => "= equals",
        Operators.NotEqual => "≠ does not equal",
        Operators.GreaterThan => "> greater than",
        Operators.GreaterThanInclusive => "≥ at least",
        Operators.LessThan => "< less than",
        Operators.LessThanInclusive => "≤ at most",
        Operators.Contains => "contains",
        Operators.NotContains => "does not contain",
        Operators.In => "is one of (IN)",
        Operators.Regex => "matches regex",
        Operators.IsSet => "is set",
        Operators.IsNotSet => "is not set",
        Operators.Modulo => "modulo (divisor|remainder)",
        Operators.PercentageSplit => "percentage split",
        _ => op,
    };

    private Task SetPropertyAsync(string value)
    {
        Condition.Property = value ?? "";
        return Changed.InvokeAsync();
    }

    private Task SetOperatorAsync(string value)
    {
        Condition.SetOperator(value);
        return Changed.InvokeAsync();
    }

    private Task SetValueAsync(string value)
    {
        Condition.Value = value ?? "";
        return Changed.InvokeAsync();
    }

    private Task SetPlainAsync(string value, bool semVer)
    {
        Condition.SetPlainValue(value ?? "", semVer);
        return Changed.InvokeAsync();
    }

    private Task SetPercentageAsync(double value)
    {
        Condition.Percentage = value;
        return Changed.InvokeAsync();
    }

    private Task SetModuloAsync(double? divisor, double? remainder)
    {
        Condition.SetModulo(divisor, remainder);
        return Changed.InvokeAsync();
    }

    private async Task AddItemOnEnterAsync(KeyboardEventArgs args)
    {
        if (args.Key == "Enter")
        {
            await AddItemAsync();
        }
    }

    private async Task AddItemAsync()
    {
        if (!string.IsNullOrWhiteSpace(_item))
        {
            Condition.AddItems(_item);
            _item = "";
            await Changed.InvokeAsync();
        }
    }

    private Task RemoveItemAsync(MudChip<string> chip)
    {
        Condition.RemoveItem(chip.Value!);
        return Changed.InvokeAsync();
    }
}
