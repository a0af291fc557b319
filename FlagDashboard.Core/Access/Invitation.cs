using FlagDashboard.Core.Organisations;

namespace FlagDashboard.Core.Access;

/// <summary>
/// An Owner's invitation of a person, by email, into an organisation (and optionally a project role).
/// The link carries a secret whose SHA-256 hash is stored; it can be used once, before it expires.
/// </summary>
public sealed class Invitation
{
    public int Id { get; set; }

    public int OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public required string Email { get; set; }

    public OrganisationRole Role { get; set; }

    public int? ProjectId { get; set; }

    public ProjectRole? ProjectRole { get; set; }

    public required string TokenHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public string? AcceptedByUserId { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
