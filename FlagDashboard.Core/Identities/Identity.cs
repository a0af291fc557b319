using FlagDashboard.Core.Environments;

namespace FlagDashboard.Core.Identities;

/// <summary>A user of the customer's application, known by its identifier within one environment.</summary>
public sealed class Identity
{
    public int Id { get; set; }

    public int EnvironmentId { get; set; }

    public ProjectEnvironment? Environment { get; set; }

    public required string Identifier { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public List<Trait> Traits { get; set; } = [];
}
