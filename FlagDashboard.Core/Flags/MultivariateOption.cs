namespace FlagDashboard.Core.Flags;

/// <summary>One value of a multivariate feature, with the share it gets in a new environment.</summary>
public sealed class MultivariateOption
{
    public int Id { get; set; }

    public int FeatureId { get; set; }

    public Feature? Feature { get; set; }

    public FlagValue Value { get; set; }

    /// <summary>Percentage (0 to 100) given to this option in a new environment.</summary>
    public double DefaultWeight { get; set; }

    /// <summary>Flagsmith's id of the option, kept on import; ours otherwise.</summary>
    public long ExternalId { get; set; }
}
