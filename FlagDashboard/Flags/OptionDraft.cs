using System.Globalization;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Flags;

/// <summary>A multivariate option being edited: its value and the share it gets in a new environment.</summary>
public sealed class OptionDraft
{
    /// <summary>The option's id when it exists already; null for a new one.</summary>
    public int? Id { get; init; }

    public FlagValueDraft Value { get; init; } = new() { Type = FlagValueType.String };

    public double Weight { get; set; }

    /// <summary>Checks the weights together: each from 0 to 100, at most 100 in all. Null when they fit.</summary>
    public static string? WeightError(IReadOnlyList<OptionDraft> options)
    {
        if (options.Any(o => !double.IsFinite(o.Weight) || o.Weight is < 0 or > 100))
        {
            return "Each weight is a percentage from 0 to 100.";
        }

        var total = options.Sum(o => o.Weight);
        return total > 100 + 1e-9
            ? $"The weights add up to {total.ToString("0.##", CultureInfo.InvariantCulture)} %; they may add up to at most 100 %."
            : null;
    }
}
