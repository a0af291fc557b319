using FlagDashboard.Accounts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlagDashboard.SingleSignOn;

internal static class SsoEndpoints
{
    public const string StartPath = "/account/sso";

    /// <summary>The sign-in page's query parameter that names why single sign-on did not sign a person in.</summary>
    public const string OutcomeParameter = "sso";

    public static IEndpointRouteBuilder MapSsoEndpoints(this IEndpointRouteBuilder endpoints)
    {
        if (!endpoints.ServiceProvider.GetRequiredService<IOptions<SsoOptions>>().Value.Enabled)
        {
            return endpoints;
        }

        // Plain links (GET): the pages' form-action 'self' policy would stop a form whose answer redirects to the provider.
        var sso = endpoints.MapGroup(StartPath).AllowAnonymous().ExcludeFromDescription();
        sso.MapGet("", Start).WithName("StartSingleSignOn").WithSummary("Sends the browser to the OpenID provider.");
        sso.MapGet("complete", Complete).WithName("CompleteSingleSignOn").WithSummary("Signs in the person the provider sent back.");
        return endpoints;
    }

    public static string LoginWith(SsoOutcome outcome) => $"/account/login?{OutcomeParameter}={outcome.ToString().ToLowerInvariant()}";

    /// <summary>What the sign-in page says for an outcome named in its query; null for no outcome or one it does not know.</summary>
    public static string? Message(string? outcome, string displayName) =>
        Enum.TryParse<SsoOutcome>(outcome, ignoreCase: true, out var parsed) ? parsed switch
        {
            SsoOutcome.NoEmail => $"{displayName} did not share your e-mail address, which FlagDashboard needs to know who you are. Ask your administrator to allow the email scope.",
            SsoOutcome.Unverified => $"{displayName} has not verified your e-mail address, so FlagDashboard cannot tell that it is yours. Verify it there, then sign in again.",
            SsoOutcome.NoAccount => "There is no FlagDashboard account for your e-mail address. Ask an Owner of your organisation for an invitation, or open the one you were sent, then sign in again.",
            SsoOutcome.Failed => $"Signing in with {displayName} did not complete. Try again.",
            _ => null,
        } : null;

    private static ChallengeHttpResult Start(string? returnUrl)
    {
        var properties = new AuthenticationProperties
        {
            RedirectUri = $"{StartPath}/complete?returnUrl={Uri.EscapeDataString(Login.SafeReturnUrl(returnUrl))}",
        };
        return TypedResults.Challenge(properties, [SsoOptions.Scheme]);
    }

    private static async Task<RedirectHttpResult> Complete(string? returnUrl, HttpContext context, SsoSignIn sso)
    {
        var external = await context.AuthenticateAsync(IdentityConstants.ExternalScheme);
        await context.SignOutAsync(IdentityConstants.ExternalScheme);
        if (!external.Succeeded)
        {
            return TypedResults.LocalRedirect(LoginWith(SsoOutcome.Failed));
        }

        var outcome = await sso.SignInAsync(external.Principal, context.RequestAborted);
        return TypedResults.LocalRedirect(outcome == SsoOutcome.SignedIn ? Login.SafeReturnUrl(returnUrl) : LoginWith(outcome));
    }
}
