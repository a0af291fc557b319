using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Usage;

internal static class UsageServiceCollectionExtensions
{
    /// <summary>Usage recording, the store chosen by <c>Usage:Store</c>, the flusher and the query service.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services)
    {
        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => o.Windows.OneMinuteUpTo > TimeSpan.Zero && o.Windows.FifteenMinutesUpTo > o.Windows.OneMinuteUpTo,
                "Usage:Windows: OneMinuteUpTo must be positive and less than FifteenMinutesUpTo.")
            .Validate(o => UsageWindows.All.All(w => o.Retention.For(w) > TimeSpan.Zero), "Usage:Retention: every retention must be positive.")
            .Validate(o => o.Store == UsageStoreKind.Embedded,
                "Usage:Store = InfluxDB is not available in this build yet; use Embedded (the default).")
            .ValidateOnStart();
        services.AddSingleton<UsageCounters>();
        services.AddSingleton<IUsageRecorder>(provider => provider.GetRequiredService<UsageCounters>());
        services.AddSingleton<EmbeddedUsageStore>();
        services.AddSingleton<IUsageStore>(provider => provider.GetRequiredService<IOptions<UsageOptions>>().Value.Store switch
        {
            _ => provider.GetRequiredService<EmbeddedUsageStore>(),
        });
        services.AddSingleton<UsageFlushing>();
        services.AddScoped<UsageQueryService>();
        services.AddHostedService<UsageFlusher>();
        return services;
    }
}
