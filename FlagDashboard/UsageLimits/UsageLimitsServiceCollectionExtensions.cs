using FlagDashboard.Core.Usage.Limits;

namespace FlagDashboard.UsageLimits;

internal static class UsageLimitsServiceCollectionExtensions
{
    /// <summary>Allowances, the alert check on a timer and its email; the banner's status.</summary>
    public static IServiceCollection AddUsageLimits(this IServiceCollection services)
    {
        services.AddOptions<UsageAlertOptions>().BindConfiguration(UsageAlertOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<UsageAllowanceService>();
        services.AddScoped<UsageStatusService>();
        services.AddSingleton<UsageAlertChecker>();
        services.AddSingleton<UsageAlertEmail>();
        services.AddHostedService<UsageAlertMonitor>();
        return services;
    }
}
