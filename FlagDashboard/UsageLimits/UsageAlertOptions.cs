using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.UsageLimits;

public sealed class UsageAlertOptions
{
    public const string SectionName = "UsageAlerts";

    /// <summary>How often organisations' API calls are compared with their allowances.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00", ErrorMessage = "UsageAlerts:CheckInterval must be between 100 ms and 1 hour.")]
    public TimeSpan CheckInterval { get; set; } = TimeSpan.FromMinutes(1);
}
