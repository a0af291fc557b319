using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Usage.Limits;

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

    /// <summary>What SDKs get once the organisation is over its allowance past the grace period.</summary>
    public OverLimitBehaviour OverLimitBehaviour { get; set; }

    /// <summary>Whole days (0-90) after the 100 % alert before <see cref="OverLimitBehaviour"/> applies.</summary>
    public int OverLimitGraceDays { get; set; } = OverLimit.DefaultGraceDays;

    /// <summary>
    /// Set by the usage check while SDKs are served defaults only (when it began); null while flags are served
    /// as configured. Compiling an environment's SDK answers reads it; changing it stamps the environments.
    /// </summary>
    public DateTimeOffset? ServingDefaultsSince { get; set; }

    public int Version { get; set; }

    public List<Project> Projects { get; set; } = [];
}
