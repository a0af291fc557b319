using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace FlagDashboard.Hosting;

/// <summary>
/// Tells who is acting: the signed-in person (from the HTTP request, or from the Blazor circuit's
/// authentication state, where there is no HttpContext), the admin API key, or nobody.
/// </summary>
internal sealed class HttpActorAccessor(IHttpContextAccessor httpContext, IServiceProvider services) : IActorAccessor
{
    public async ValueTask<AccessSubject> GetSubjectAsync()
    {
        var user = httpContext.HttpContext?.User;
        if (user?.Identity?.IsAuthenticated != true && services.GetService<AuthenticationStateProvider>() is { } provider)
        {
            try
            {
                user = (await provider.GetAuthenticationStateAsync()).User;
            }
            catch (InvalidOperationException)
            {
                // Outside a circuit the provider has no state; the request's user (if any) stands.
            }
        }

        if (user?.Identity?.IsAuthenticated != true)
        {
            return new AccessSubject.Anonymous();
        }

        if (AdminApiKeyAuthenticationHandler.Subject(user) is { } key)
        {
            return key;
        }

        return user.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId
            ? new AccessSubject.Person(userId, user.Identity.Name ?? "unknown")
            : new AccessSubject.Anonymous();
    }
}
