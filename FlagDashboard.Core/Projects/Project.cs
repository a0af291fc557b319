using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Core.Projects;

public sealed class Project : IVersioned
{
    public int Id { get; set; }

    public int OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public required string Name { get; set; }

    /// <summary>Disabled flags are left out of SDK answers.</summary>
    public bool HideDisabledFlags { get; set; }

    /// <summary>How many days without an evaluation in any environment make a flag stale (see <c>StaleFlagService</c>).</summary>
    public int StaleFlagDays { get; set; } = DefaultStaleFlagDays;

    public const int DefaultStaleFlagDays = 30;

    public const int MinStaleFlagDays = 1;

    public const int MaxStaleFlagDays = 3650;

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }

    public List<ProjectEnvironment> Environments { get; set; } = [];

    public List<Feature> Features { get; set; } = [];

    public List<Segment> Segments { get; set; } = [];
}
