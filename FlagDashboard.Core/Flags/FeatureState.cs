using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Core.Flags;

/// <summary>
/// A feature's enabled flag and value in one environment: the environment default (no segment, no
/// identity), a segment override (<see cref="SegmentId"/> and <see cref="SegmentPriority"/>), or an
/// identity override (<see cref="IdentityId"/>), as Flagsmith models them.
/// </summary>
public sealed class FeatureState : IVersioned
{
    public int Id { get; set; }

    public int FeatureId { get; set; }

    public Feature? Feature { get; set; }

    public int EnvironmentId { get; set; }

    public ProjectEnvironment? Environment { get; set; }

    public int? SegmentId { get; set; }

    public Segment? Segment { get; set; }

    /// <summary>Lower wins when several matched segments override one feature.</summary>
    public int? SegmentPriority { get; set; }

    public int? IdentityId { get; set; }

    public Identity? Identity { get; set; }

    public bool Enabled { get; set; }

    public FlagValue Value { get; set; }

    /// <summary>
    /// The id the engine hashes for multivariate splits: Flagsmith's <c>django_id</c> (or
    /// <c>featurestate_uuid</c>) kept on import so that every identity keeps its variant; fresh otherwise.
    /// Not unique: a legacy document may give one number to two states.
    /// </summary>
    public required string HashKey { get; set; }

    public required string Uuid { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public int Version { get; set; }

    public List<MultivariateWeight> Weights { get; set; } = [];

    public bool IsEnvironmentDefault => SegmentId is null && IdentityId is null;
}
