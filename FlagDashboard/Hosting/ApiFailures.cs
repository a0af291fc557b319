using FlagDashboard.Core;
using Microsoft.AspNetCore.Diagnostics;

namespace FlagDashboard.Hosting;

/// <summary>
/// Failures answered before or around the endpoints: an exception nothing else handled, on an API path, is a
/// problem-details 500 (the dashboard's error page is for people, and re-running it for an API path answered an
/// empty 404 or a redirect to the sign-in page); a query string with a NUL character is a 400 on every path,
/// because PostgreSQL cannot compare or store U+0000.
/// </summary>
internal static class ApiFailures
{
    public static IApplicationBuilder UseApiServerErrors(this IApplicationBuilder app) =>
        app.UseWhen(context => HostingExtensions.IsApiPath(context.Request.Path), api => api.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Written whatever the Accept header says: a client that asked for text still gets a body it can read.
            ExceptionHandler = context => TypedResults.Problem(
                    detail: "The server failed while answering this request; its log has the details.",
                    statusCode: StatusCodes.Status500InternalServerError,
                    title: "Server error.")
                .ExecuteAsync(context),
        }));

    public static IApplicationBuilder UseNulFreeQueries(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        // Kestrel refuses a raw NUL byte in the request line; only the escaped form reaches here.
        if (context.Request.QueryString.Value is { } query && query.Contains("%00", StringComparison.Ordinal)
            && FirstParameterWithNul(context.Request.Query) is { } parameter)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            if (HostingExtensions.IsApiPath(context.Request.Path))
            {
                await TypedResults.ValidationProblem(new Dictionary<string, string[]> { [parameter] = [JsonText.NulMessage] },
                    title: "The request could not be read.").ExecuteAsync(context);
            }
            else
            {
                context.Response.ContentType = "text/plain; charset=utf-8";
                await context.Response.WriteAsync($"The query parameter '{parameter.Replace("\0", "%00", StringComparison.Ordinal)}' contains a NUL character (%00).");
            }

            return;
        }

        await next(context);
    });

    private static string? FirstParameterWithNul(IQueryCollection query)
    {
        foreach (var (name, values) in query)
        {
            if (JsonText.HasNul(name) || values.Any(JsonText.HasNul))
            {
                return name;
            }
        }

        return null;
    }
}
