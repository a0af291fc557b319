using FlagDashboard.Accounts;
using FlagDashboard.AdminApi;
using FlagDashboard.ChangeRequests;
using FlagDashboard.Components;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Users;
using FlagDashboard.Health;
using FlagDashboard.Members;
using FlagDashboard.Organisations;
using FlagDashboard.Sdk;
using FlagDashboard.SingleSignOn;
using FlagDashboard.Usage;
using FlagDashboard.UsageLimits;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using MudBlazor.Services;
using SessionOptions = FlagDashboard.Accounts.SessionOptions;

namespace FlagDashboard.Hosting;

public static class HostingExtensions
{
    private const string GlobalEndpointRouteBuilderKey = "__GlobalEndpointRouteBuilder";

    public static WebApplicationBuilder AddFlagDashboard(this WebApplicationBuilder builder)
    {
        // Serves package assets (MudBlazor's _content) from a build output too, not only in Development;
        // a published app has them in wwwroot and this does nothing.
        builder.WebHost.UseStaticWebAssets();
        var services = builder.Services;
        services.AddFlagDashboardOptions();
        services.AddFlagDashboardCore();
        services.AddScoped<IActorAccessor, HttpActorAccessor>();

        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddMudServices();
        services.AddScoped<DashboardSelection>();

        services.AddCascadingAuthenticationState();
        services.AddOptions<SessionOptions>().BindConfiguration(SessionOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddScoped<AuthenticationStateProvider, RevalidatingSessionStateProvider>();
        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies(cookies => cookies.ApplicationCookie?.Configure(options =>
            {
                options.LoginPath = "/account/login";
                options.LogoutPath = "/account/logout";
                options.AccessDeniedPath = "/account/login";
                options.ExpireTimeSpan = TimeSpan.FromDays(7);
                options.SlidingExpiration = true;
                // An API client is told 401/403, never sent to the HTML sign-in page.
                options.Events.OnRedirectToLogin = context => RedirectPagesOnly(context, StatusCodes.Status401Unauthorized);
                options.Events.OnRedirectToAccessDenied = context => RedirectPagesOnly(context, StatusCodes.Status403Forbidden);
                options.Events.OnValidatePrincipal = Sessions.ValidatePrincipalAsync;
            }));
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminApiKeyAuthenticationHandler>(AdminApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            // Everything needs a signed-in person unless an endpoint says otherwise (sign-in, set-up, health, SDK routes).
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(AdminApiKeyAuthenticationHandler.PolicyName, policy => policy
                .AddAuthenticationSchemes(AdminApiKeyAuthenticationHandler.SchemeName)
                .RequireAuthenticatedUser());
        services.AddIdentityCore<DashboardUser>(ConfigureIdentity)
            .AddEntityFrameworkStores<FlagDashboardDbContext>()
            .AddSignInManager()
            .AddDefaultTokenProviders();
        services.AddSingleton<SetupState>();
        services.AddScoped<AdminAccounts>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<PasswordChanges>();
        services.AddSingleSignOn(builder.Configuration);
        // In the database, so that a sign-in cookie issued by one instance is read by every other.
        services.AddDataProtection().SetApplicationName("FlagDashboard").PersistKeysToDbContext<FlagDashboardDbContext>();

        services.AddSdkApi(builder.Configuration.GetSection(DatabaseOptions.SectionName).GetValue<DatabaseProvider>(nameof(DatabaseOptions.Provider)));
        services.AddUsage(builder.Configuration);
        services.AddAdminApi();
        services.AddScheduledChanges();
        services.AddMembers();
        services.AddUsageLimits();

        services.AddHttpHardening();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database").AddCheck<ShutdownHealthCheck>("shutdown");
        services.AddProblemDetails();
        return builder;
    }

    /// <summary>Migrates the database and creates the first admin from configuration when asked to.</summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FlagDashboard.Database");
        await DatabaseInitializer.MigrateAsync(app.Services.GetRequiredService<IDbContextFactory<FlagDashboardDbContext>>(), logger);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<AdminAccounts>().EnsureConfiguredAdminAsync();
        await app.Services.GetRequiredService<SetupState>().LogCodeIfNeededAsync(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FlagDashboard.Setup"));
    }

    public static WebApplication UseFlagDashboard(this WebApplication app)
    {
        app.UseForwardedHeadersFromProxy();
        app.UseApiServerErrors();
        app.UseNulFreeQueries();
        app.UseFlagsFastLane();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAdminApiErrors();

        // SDK traffic takes a short path: usage recording and CORS, none of the dashboard's sign-in machinery.
        app.UseSdkUsageRecording();
        app.UseWhen(context => !IsSdkPath(context.Request.Path), dashboard =>
        {
            // A branch made by WebApplication leaves out its endpoint route builder, without which the two middlewares
            // below re-execute /error and /not-found unrouted and answer an empty status: hand it over.
            if (((IApplicationBuilder)app).Properties.TryGetValue(GlobalEndpointRouteBuilderKey, out var routeBuilder))
            {
                dashboard.Properties[GlobalEndpointRouteBuilderKey] = routeBuilder;
            }

            dashboard.UseSecurityHeaders();

            if (!app.Environment.IsDevelopment())
            {
                // API paths have their own (UseApiServerErrors): the error page is for people.
                dashboard.UseWhen(
                    context => !IsApiPath(context.Request.Path),
                    pages => pages.UseExceptionHandler("/error", createScopeForErrors: true));
            }

            dashboard.UseWhen(
                context => !IsApiPath(context.Request.Path),
                pages => pages.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true));
        });
        app.UseCors();
        app.UseWhen(context => !IsSdkPath(context.Request.Path), dashboard =>
        {
            // Dates and numbers in the browser's language; the circuit keeps the culture of the request that opened it.
            dashboard.UseRequestLocalization(DashboardCultures.Configure);
            dashboard.UseAuthentication();
            dashboard.UseMiddleware<SetupRedirectMiddleware>();
        });
        app.UseAuthorization();
        app.UseNulFreeForms();
        app.UseAntiforgery();

        app.MapStaticAssets().AllowAnonymous();
        // /health: ready for traffic (database reachable, not shutting down); /health/live: the process answers, for a
        // liveness probe that must not restart every instance while the database is away.
        app.MapHealthChecks("/health").AllowAnonymous();
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).AllowAnonymous();
        app.MapAccountEndpoints();
        app.MapSsoEndpoints();
        app.MapAdminApi();
        app.MapAdminApiDocuments();
        app.MapSdkApi();
        app.MapSdkFallback();
        app.MapUsageApi();
        app.MapRealtimeApi();
        app.StartRealtimeHub();
        app.MapHealthDetail();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
        return app;
    }

    /// <summary>Length over composition rules (NIST SP 800-63B): at least 10 characters, any kind.</summary>
    internal static void ConfigureIdentity(IdentityOptions options)
    {
        options.User.RequireUniqueEmail = true;
        options.Password.RequiredLength = 10;
        options.Password.RequireNonAlphanumeric = false;
        options.Password.RequireDigit = false;
        options.Password.RequireLowercase = false;
        options.Password.RequireUppercase = false;
        // Short, so that a stranger guessing cannot keep a person out for long; the per-address throttle slows the guessing.
        options.Lockout.MaxFailedAccessAttempts = 10;
        options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(1);
    }

    private static Task RedirectPagesOnly(RedirectContext<CookieAuthenticationOptions> context, int apiStatus)
    {
        if (IsApiPath(context.Request.Path))
        {
            context.Response.StatusCode = apiStatus;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }

        return Task.CompletedTask;
    }

    internal static bool IsSdkPath(PathString path) =>
        path.StartsWithSegments("/api/v1") || path.StartsWithSegments("/sse");

    internal static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/api") || path.StartsWithSegments("/sse") || path.StartsWithSegments("/health");
}
