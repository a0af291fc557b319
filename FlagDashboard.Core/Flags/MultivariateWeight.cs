namespace FlagDashboard.Core.Flags;

/// <summary>The share of a multivariate option in one feature state.</summary>
public sealed class MultivariateWeight
{
    public int Id { get; set; }

    public int FeatureStateId { get; set; }

    public FeatureState? FeatureState { get; set; }

    public int OptionId { get; set; }

    public MultivariateOption? Option { get; set; }

    /// <summary>Percentage from 0 to 100; the weights of one state add up to at most 100.</summary>
    public double Percentage { get; set; }

    /// <summary>
    /// Flagsmith's id of this value, kept on import: the engine walks variants in this order, so it
    /// decides who gets which variant. New weights take a larger number than any before them.
    /// </summary>
    public long ExternalId { get; set; }
}
