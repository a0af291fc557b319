using FlagDashboard.Core.Projects;

namespace FlagDashboard.Core.Organisations;

public sealed class Organisation : IVersioned
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>API calls a billing period may use before alerts fire; null: no allowance, no alerts.</summary>
    public long? MonthlyApiCallAllowance { get; set; }

    /// <summary>The day of the month (1-28, UTC) a billing period starts on.</summary>
    public int BillingDay { get; set; } = 1;

    public int Version { get; set; }

    public List<Project> Projects { get; set; } = [];
}
