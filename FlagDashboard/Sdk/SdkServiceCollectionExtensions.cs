using FlagDashboard.Core.Data;
using FlagDashboard.Core.Sdk;
using FlagDashboard.Core.Usage;
using FlagDashboard.Health;

namespace FlagDashboard.Sdk;

internal static class SdkServiceCollectionExtensions
{
    public const string ExposedHeaders = "ETag,x-flagsmith-document-updated-at";

    /// <param name="provider">With SQLite (one instance) the database is polled; with PostgreSQL instances hear of changes by NOTIFY.</param>
    public static IServiceCollection AddSdkApi(this IServiceCollection services, DatabaseProvider provider)
    {
        services.AddSingleton<SdkEnvironmentStore>();
        services.AddSingleton<SdkIdentityWriter>();
        // On PostgreSQL other instances change identities too: the cache serves only while their notifications are heard.
        services.AddSingleton(sp => new SdkIdentityCache(sp.GetRequiredService<SdkEnvironmentStore>(), suspended: provider == DatabaseProvider.Postgres));
        services.AddSingleton<SdkIdentityStore>();
        services.AddSingleton<RealtimeHub>();
        services.AddHealthChecks().AddCheck<EngineHealthCheck>("engine");
        if (provider == DatabaseProvider.Postgres)
        {
            services.AddHostedService<EnvironmentChangeListener>();
        }
        else
        {
            services.AddHostedService<EnvironmentChangePoller>();
        }

        services.AddCors(options => options.AddPolicy(SdkApi.CorsPolicy, policy => policy
            .AllowAnyOrigin()
            .WithMethods("GET", "POST", "PUT")
            .WithHeaders(EnvironmentKeys.HeaderName, "Content-Type", "Flagsmith-SDK-User-Agent", "Flagsmith-Application-Name", "Flagsmith-Application-Version", "If-None-Match")
            .WithExposedHeaders(ExposedHeaders.Split(','))));
        return services;
    }

    public static IApplicationBuilder UseFlagsFastLane(this IApplicationBuilder app) => app.UseMiddleware<FlagsFastLane>();

    public static IApplicationBuilder UseSdkUsageRecording(this IApplicationBuilder app) =>
        app.UseWhen(context => context.Request.Path.StartsWithSegments("/api/v1"), branch => branch.UseMiddleware<SdkUsageMiddleware>());

    /// <summary>The hub subscribes to the store when created: create it at start, before any change can be missed.</summary>
    public static WebApplication StartRealtimeHub(this WebApplication app)
    {
        app.Services.GetRequiredService<RealtimeHub>();
        return app;
    }
}
