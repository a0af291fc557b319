using FlagDashboard.Core.Access;
using FlagDashboard.Core.Organisations;

namespace FlagDashboard.Core.ApiKeys;

/// <summary>
/// A key for automation against the admin API, sent as <c>Authorization: Api-Key &lt;key&gt;</c>.
/// Only a SHA-256 hash of the secret is stored; the key itself is shown once, when created.
/// </summary>
public sealed class AdminApiKey
{
    public int Id { get; set; }

    public int OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public required string Name { get; set; }

    public ApiKeyRole Role { get; set; }

    /// <summary>When set, the key acts only in this project of its organisation.</summary>
    public int? ProjectId { get; set; }

    /// <summary>The first characters of the key, to tell keys apart in lists.</summary>
    public required string Prefix { get; set; }

    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public required string CreatedBy { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }
}
