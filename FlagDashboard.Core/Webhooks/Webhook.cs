using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Organisations;

namespace FlagDashboard.Core.Webhooks;

/// <summary>
/// A URL that receives a signed JSON POST for every change to a flag or override in one environment, or, when
/// it belongs to an organisation instead (<see cref="OrganisationId"/> set, no environment), for the
/// organisation's own events such as usage alerts.
/// </summary>
public sealed class Webhook : IVersioned
{
    public int Id { get; set; }

    public int? EnvironmentId { get; set; }

    public ProjectEnvironment? Environment { get; set; }

    /// <summary>Set only on an organisation-level webhook.</summary>
    public int? OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public required string Url { get; set; }

    /// <summary>The key of the HMAC-SHA256 signature in <c>X-Flagsmith-Signature</c>; receivers check it.</summary>
    public required string Secret { get; set; }

    public bool Enabled { get; set; } = true;

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }
}
