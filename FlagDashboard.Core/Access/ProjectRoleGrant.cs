using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Users;

namespace FlagDashboard.Core.Access;

/// <summary>
/// A role in one project, held by a person or by a group (exactly one of <see cref="UserId"/> and
/// <see cref="GroupId"/>). An Editor changes states only where <see cref="AllEnvironments"/> is set or in the
/// environments listed, so Production can be kept to a few people.
/// </summary>
public sealed class ProjectRoleGrant
{
    public int Id { get; set; }

    public int ProjectId { get; set; }

    public Project? Project { get; set; }

    public string? UserId { get; set; }

    public DashboardUser? User { get; set; }

    public int? GroupId { get; set; }

    public AccessGroup? Group { get; set; }

    public ProjectRole Role { get; set; }

    public bool AllEnvironments { get; set; } = true;

    public List<ProjectRoleEnvironment> StateEnvironments { get; set; } = [];
}

/// <summary>An environment where an Editor's grant may change states (used when the grant is not for all environments).</summary>
public sealed class ProjectRoleEnvironment
{
    public int GrantId { get; set; }

    public int EnvironmentId { get; set; }
}
