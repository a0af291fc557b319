using Microsoft.AspNetCore.Identity;

namespace FlagDashboard.Core.Users;

/// <summary>A person who signs in to the dashboard.</summary>
public sealed class DashboardUser : IdentityUser
{
    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>
    /// Made by set-up, <c>create-admin</c> or <c>Admin:Email</c>: an Owner of every organisation, including those
    /// the command line creates. People invited to an organisation are not administrators.
    /// </summary>
    public bool IsAdministrator { get; set; }
}
