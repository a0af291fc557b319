using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Core.Usage.InfluxDb;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Usage;

internal static class UsageServiceCollectionExtensions
{
    /// <summary>Usage recording, the store chosen by <c>Usage:Store</c>, the flusher and the query service.</summary>
    public static IServiceCollection AddUsage(this IServiceCollection services, IConfiguration configuration)
    {
        // InfluxDB's settings are required, and checked at start, only when it is the store.
        if (configuration.GetValue<UsageStoreKind>($"{UsageOptions.SectionName}:{nameof(UsageOptions.Store)}") == UsageStoreKind.InfluxDB)
        {
            services.AddOptions<InfluxUsageOptions>().ValidateDataAnnotations().ValidateOnStart();
        }

        services.AddOptions<UsageOptions>().BindConfiguration(UsageOptions.SectionName).ValidateDataAnnotations()
            .Validate(o => UsageWindows.All.All(w => o.Retention.For(w) > TimeSpan.Zero), "Usage:Retention: every retention must be positive.")
            .ValidateOnStart();
        services.AddOptions<InfluxUsageOptions>().BindConfiguration(InfluxUsageOptions.SectionName);
        services.AddSingleton<IPostConfigureOptions<InfluxUsageOptions>, InfluxInstanceDefault>();
        services.AddSingleton<IValidateOptions<InfluxUsageOptions>, InfluxUsageOptionsValidator>();
        services.AddSingleton<UsageCounters>();
        services.AddSingleton<IUsageRecorder>(provider => provider.GetRequiredService<IOptions<UsageOptions>>().Value.Enabled
            ? provider.GetRequiredService<UsageCounters>()
            : new NoUsageRecorder());
        services.AddSingleton<EmbeddedUsageStore>();
        services.AddSingleton<InfluxUsageStore>();
        services.AddSingleton<IUsageStore>(provider => provider.GetRequiredService<IOptions<UsageOptions>>().Value.Store switch
        {
            UsageStoreKind.InfluxDB => provider.GetRequiredService<InfluxUsageStore>(),
            _ => provider.GetRequiredService<EmbeddedUsageStore>(),
        });
        services.AddSingleton<UsageFlushing>();
        services.AddScoped<UsageQueryService>();
        services.AddScoped<StaleFlagService>();
        services.AddScoped<OrganisationUsageService>();
        services.AddHostedService<UsageFlusher>();
        services.AddHealthChecks().AddCheck<UsageTasksHealthCheck>("usage-tasks", HealthStatus.Degraded);
        return services;
    }
}
