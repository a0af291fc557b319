using FlagDashboard.Core.Projects;

namespace FlagDashboard.Core.Segments;

public sealed class Segment : IVersioned
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public Project? Project { get; set; }

    public required string Name { get; set; }

    public string? Description { get; set; }

    /// <summary>The top-level rules; the segment matches when it has one or more and all of them match.</summary>
    public List<SegmentRule> Rules { get; set; } = [];

    /// <summary>
    /// The id hashed by percentage-split conditions: Flagsmith's segment id, kept on import so that
    /// every identity stays on its side of a split; a fresh number otherwise.
    /// </summary>
    public long ExternalId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }
}
