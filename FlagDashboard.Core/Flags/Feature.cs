using FlagDashboard.Core.Projects;

namespace FlagDashboard.Core.Flags;

public enum FeatureType
{
    Standard,
    Multivariate,
}

public sealed class Feature : IVersioned
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public Project? Project { get; set; }

    public required string Name { get; set; }

    public FeatureType Type { get; set; }

    public string? Description { get; set; }

    public List<string> Tags { get; set; } = [];

    /// <summary>Enabled state given to the feature in a new environment.</summary>
    public bool DefaultEnabled { get; set; }

    /// <summary>Value given to the feature in a new environment.</summary>
    public FlagValue InitialValue { get; set; }

    /// <summary>Archived features are hidden in the dashboard and still served to SDKs, as in Flagsmith.</summary>
    public bool IsArchived { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }

    public List<MultivariateOption> Options { get; set; } = [];
}
