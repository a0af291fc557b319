using FlagDashboard.Core.Projects;

namespace FlagDashboard.Core.Environments;

/// <summary>An environment of a project (named so to stay clear of <see cref="System.Environment"/>).</summary>
public sealed class ProjectEnvironment : IVersioned
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public Project? Project { get; set; }

    public required string Name { get; set; }

    /// <summary>The key client SDKs send; kept as it was when an environment is imported from Flagsmith.</summary>
    public required string ClientKey { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When anything an SDK answer depends on last changed (flags, segments, overrides, settings).</summary>
    public DateTimeOffset DocumentUpdatedAt { get; set; }

    /// <summary>How many approvals a change of flag states here needs before it goes live; 0 (the default) lets changes go live at once.</summary>
    public int RequiredApprovals { get; set; }

    public int Version { get; set; }

    public List<ServerSideKey> ServerSideKeys { get; set; } = [];
}
