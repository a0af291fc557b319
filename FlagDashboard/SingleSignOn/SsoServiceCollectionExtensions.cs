using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FlagDashboard.SingleSignOn;

internal static class SsoServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates <see cref="SsoOptions"/> (always, so that a half-made configuration stops the start), and
    /// adds the OpenID Connect scheme only when an authority is configured.
    /// </summary>
    public static IServiceCollection AddSingleSignOn(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<SsoOptions>().BindConfiguration(SsoOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<SsoOptions>, SsoOptionsValidator>();
        services.AddScoped<SsoSignIn>();

        var settings = configuration.GetSection(SsoOptions.SectionName).Get<SsoOptions>() ?? new SsoOptions();
        if (!settings.Enabled)
        {
            return services;
        }

        services.AddAuthentication().AddOpenIdConnect(SsoOptions.Scheme, settings.DisplayName, _ => { });
        services.AddOptions<OpenIdConnectOptions>(SsoOptions.Scheme).Configure<IOptions<SsoOptions>>((oidc, sso) => Configure(oidc, sso.Value));
        return services;
    }

    private static void Configure(OpenIdConnectOptions oidc, SsoOptions sso)
    {
        oidc.Authority = sso.Authority;
        oidc.ClientId = sso.ClientId;
        oidc.ClientSecret = sso.ClientSecret;
        oidc.RequireHttpsMetadata = sso.RequireHttpsMetadata;
        oidc.CallbackPath = SsoOptions.CallbackPath;
        // The provider's identity lands in the short-lived external cookie; SsoSignIn turns it into the app's own sign-in.
        oidc.SignInScheme = IdentityConstants.ExternalScheme;
        oidc.ResponseType = OpenIdConnectResponseType.Code;
        oidc.UsePkce = true;
        oidc.SaveTokens = false;
        oidc.Scope.Clear();
        foreach (var scope in sso.ScopeList)
        {
            oidc.Scope.Add(scope);
        }

        // Claims under their OpenID names (email, email_verified), from the ID token and the userinfo endpoint alike.
        oidc.MapInboundClaims = false;
        oidc.GetClaimsFromUserInfoEndpoint = true;
        oidc.ClaimActions.MapUniqueJsonKey("email_verified", "email_verified");
        if (!sso.RequireHttpsMetadata)
        {
            // Plain http was asked for: SameSite=None cookies must be Secure, which http cannot carry.
            oidc.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.CorrelationCookie.SameSite = SameSiteMode.Lax;
            oidc.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            oidc.NonceCookie.SameSite = SameSiteMode.Lax;
        }

        oidc.Events.OnRemoteFailure = context =>
        {
            // A refusal at the provider, an expired attempt or a bad answer: back to the sign-in page with a message.
            // The failure's message names no token (IdentityModel hides personal data in its messages by default).
            context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SsoSignIn))
                .LogWarning("Single sign-on did not complete: {Reason}", context.Failure?.Message);
            context.Response.Redirect(SsoEndpoints.LoginWith(SsoOutcome.Failed));
            context.HandleResponse();
            return Task.CompletedTask;
        };
    }
}
