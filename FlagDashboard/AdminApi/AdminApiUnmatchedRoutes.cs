using Microsoft.AspNetCore.Authentication;

namespace FlagDashboard.AdminApi;

/// <summary>
/// A request under the admin API that no admin route takes: routing found a route only for another Content-Type
/// (415), only for another method, or nothing but the dashboard's fallback. A caller with a valid key is told 415 or
/// 404; anyone else 401, so that a stranger learns nothing of the routes. Only the status is set here:
/// <see cref="AdminApiProblems"/> words the answer, as it does every admin API error.
/// </summary>
internal sealed class AdminApiUnmatchedRoutes(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var endpoint = context.GetEndpoint();
        var unsupportedMediaType = IsUnsupportedMediaType(endpoint);
        if (!unsupportedMediaType && AdminApiProblems.IsAdminApiEndpoint(endpoint))
        {
            await next(context);
            return;
        }

        var caller = await context.AuthenticateAsync(AdminApiKeyAuthenticationHandler.SchemeName);
        context.Response.StatusCode = !caller.Succeeded ? StatusCodes.Status401Unauthorized
            : unsupportedMediaType ? StatusCodes.Status415UnsupportedMediaType
            : StatusCodes.Status404NotFound;
    }

    // Routing's stand-in endpoint when a route matches all but the request's Content-Type.
    private static bool IsUnsupportedMediaType(Endpoint? endpoint) =>
        endpoint?.DisplayName?.StartsWith("415 ", StringComparison.Ordinal) == true;
}
