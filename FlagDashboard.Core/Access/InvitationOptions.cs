using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Core.Access;

/// <summary>How long an invitation link stays usable.</summary>
public sealed class InvitationOptions
{
    public const string SectionName = "Invitations";

    [Range(typeof(TimeSpan), "00:05:00", "90.00:00:00")]
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromDays(7);
}
