using FlagDashboard.Core.Audit;
using Microsoft.AspNetCore.Components.Authorization;

namespace FlagDashboard.Hosting;

/// <summary>
/// Names the actor of a change: the signed-in person (from the HTTP request, or from the Blazor circuit's
/// authentication state, where there is no HttpContext) or the admin API key.
/// </summary>
internal sealed class HttpActorAccessor(IHttpContextAccessor httpContext, IServiceProvider services) : IActorAccessor
{
    public async ValueTask<string> GetActorAsync()
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

        return user?.Identity?.IsAuthenticated == true ? user.Identity.Name ?? "unknown" : "anonymous";
    }
}
