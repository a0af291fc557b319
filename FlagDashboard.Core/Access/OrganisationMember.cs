using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Users;

namespace FlagDashboard.Core.Access;

/// <summary>A person's membership of an organisation: without one, the organisation does not exist for them.</summary>
public sealed class OrganisationMember
{
    public int OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public required string UserId { get; set; }

    public DashboardUser? User { get; set; }

    public OrganisationRole Role { get; set; }

    public DateTimeOffset JoinedAt { get; set; }
}
