using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.Core.Users;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Accounts;

/// <summary>How often an open dashboard (a Blazor circuit) checks that its session is still valid.</summary>
public sealed class SessionOptions
{
    public const string SectionName = "Sessions";

    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan CircuitRevalidationInterval { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// A session lives as long as the person's security stamp in the database is the one in the cookie. Signing out
/// and changing the password replace the stamp, so every copy of the cookie stops working on every instance.
/// </summary>
internal static class Sessions
{
    /// <summary>Checks the stamp on each request: one read by primary key, and the cookie is not re-issued.</summary>
    public static async Task ValidatePrincipalAsync(CookieValidatePrincipalContext context)
    {
        var signIn = context.HttpContext.RequestServices.GetRequiredService<SignInManager<DashboardUser>>();
        if (context.Principal is null || await signIn.ValidateSecurityStampAsync(context.Principal) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }

    /// <summary>Ends this session and every other one of the same person.</summary>
    public static async Task SignOutEverywhereAsync(SignInManager<DashboardUser> signIn, ClaimsPrincipal principal)
    {
        if (await signIn.UserManager.GetUserAsync(principal) is { } user)
        {
            await signIn.UserManager.UpdateSecurityStampAsync(user);
        }

        await signIn.SignOutAsync();
    }
}

/// <summary>An open circuit checks the person's security stamp now and then, and signs the page out when it changed.</summary>
internal sealed class RevalidatingSessionStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopes,
    IOptions<SessionOptions> options)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => options.Value.CircuitRevalidationInterval;

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var signIn = scope.ServiceProvider.GetRequiredService<SignInManager<DashboardUser>>();
        return await signIn.ValidateSecurityStampAsync(authenticationState.User) is not null;
    }
}
