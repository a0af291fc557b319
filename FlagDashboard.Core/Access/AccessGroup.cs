using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Users;

namespace FlagDashboard.Core.Access;

/// <summary>People of one organisation who hold project roles together ("Mobile team").</summary>
public sealed class AccessGroup
{
    public int Id { get; set; }

    public int OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<AccessGroupMember> Members { get; set; } = [];
}

public sealed class AccessGroupMember
{
    public int GroupId { get; set; }

    public AccessGroup? Group { get; set; }

    public required string UserId { get; set; }

    public DashboardUser? User { get; set; }
}
