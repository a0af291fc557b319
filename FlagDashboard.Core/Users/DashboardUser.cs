using Microsoft.AspNetCore.Identity;

namespace FlagDashboard.Core.Users;

/// <summary>A person who signs in to the dashboard.</summary>
public sealed class DashboardUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }
}
