using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Versions;

/// <summary>
/// One version of a feature's states in one environment: the default state, the segment overrides in their
/// order and the multivariate weights, as they were after a change. Numbers rise by one per feature and
/// environment; the highest is the live one. Identity overrides are not versioned (they belong to the identity).
/// </summary>
public sealed class FeatureVersion
{
    public int Id { get; set; }

    public int FeatureId { get; set; }

    public Feature? Feature { get; set; }

    public int EnvironmentId { get; set; }

    public ProjectEnvironment? Environment { get; set; }

    public int Number { get; set; }

    public required string Author { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public string? Comment { get; set; }

    /// <summary>The states as JSON (<see cref="StatesSnapshot"/>).</summary>
    public required string Snapshot { get; set; }
}
