using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;

namespace FlagDashboard.AdminApi;

/// <summary>
/// Answers that the pipeline leaves empty under the admin API (a sign-in challenge's 401, routing's 405 and
/// 415) become problem details, so a client reads every error the same way. Registered early, around
/// authentication, which writes those answers. A path the API does not have is a 404 for a caller with a valid
/// key (without one, 401), rather than the dashboard's sign-in answer.
/// </summary>
internal sealed class AdminApiEmptyErrors(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        var isAdminApi = AdminApiProblems.IsAdminApiPath(context.Request.Path);
        string? detail = null;
        if (isAdminApi && IsUnsupportedMediaType(context.GetEndpoint()))
        {
            // Routing found the route but not for this Content-Type; only a caller with a key learns that.
            var caller = await context.AuthenticateAsync(AdminApiKeyAuthenticationHandler.SchemeName);
            context.Response.StatusCode = caller.Succeeded ? StatusCodes.Status415UnsupportedMediaType : StatusCodes.Status401Unauthorized;
            detail = caller.Succeeded
                ? "Send the body as JSON (Content-Type: application/json)."
                : "Send an admin API key as 'Authorization: Api-Key <key>'.";
        }
        else if (isAdminApi && !IsAdminApiEndpoint(context.GetEndpoint()))
        {
            // No admin route for this method and path (routing may have found only a 405 or a static-file fallback).
            var caller = await context.AuthenticateAsync(AdminApiKeyAuthenticationHandler.SchemeName);
            context.Response.StatusCode = caller.Succeeded ? StatusCodes.Status404NotFound : StatusCodes.Status401Unauthorized;
            detail = caller.Succeeded
                ? $"The admin API has no {context.Request.Method} {context.Request.Path}; its routes are in /openapi/v1.json."
                : "Send an admin API key as 'Authorization: Api-Key <key>'.";
        }
        else
        {
            await next(context);
        }

        if (isAdminApi && context.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null })
        {
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = context.Response.StatusCode, Detail = detail },
            });
        }
    }

    // Routing's stand-in endpoint when a route matches all but the request's Content-Type.
    private static bool IsUnsupportedMediaType(Endpoint? endpoint) =>
        endpoint?.DisplayName?.StartsWith("415 ", StringComparison.Ordinal) == true;

    private static bool IsAdminApiEndpoint(Endpoint? endpoint) =>
        endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AdminApiKeyAuthenticationHandler.PolicyName) == true;
}
