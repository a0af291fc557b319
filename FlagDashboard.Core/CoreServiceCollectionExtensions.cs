using FlagDashboard.Core.ApiKeys;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Versions;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core;

public static class CoreServiceCollectionExtensions
{
    /// <summary>
    /// The domain services and their database. The host binds and validates <see cref="DatabaseOptions"/>
    /// and supplies an <see cref="IActorAccessor"/>.
    /// </summary>
    public static IServiceCollection AddFlagDashboardCore(this IServiceCollection services)
    {
        services.AddPooledDbContextFactory<FlagDashboardDbContext>((provider, options) =>
            options.UseFlagDashboardDatabase(provider.GetRequiredService<IOptions<DatabaseOptions>>().Value));
        // ASP.NET Core Identity's stores take a context per request scope; it comes from the same pool.
        services.AddScoped(provider => provider.GetRequiredService<IDbContextFactory<FlagDashboardDbContext>>().CreateDbContext());
        services.TryAddSingleton(TimeProvider.System);
        services.AddScoped<OrganisationService>();
        services.AddScoped<ProjectService>();
        services.AddScoped<EnvironmentService>();
        services.AddScoped<FeatureService>();
        services.AddScoped<FeatureVersionService>();
        services.AddScoped<ChangeRequestService>();
        services.AddScoped<SegmentService>();
        services.AddScoped<IdentityService>();
        services.AddScoped<AuditLogService>();
        services.AddScoped<AdminApiKeyService>();
        services.AddScoped<WebhookService>();
        services.AddScoped<OrganisationOwnership>();
        services.AddScoped<Access.AccessControl>();
        services.AddScoped<Access.MembersService>();
        services.AddOptions<Access.InvitationOptions>();
        services.AddOptions<WebhookOptions>();
        services.AddSingleton<EnvironmentDocumentImporter>();
        services.AddSingleton<EnvironmentDocumentExporter>();
        return services;
    }
}
