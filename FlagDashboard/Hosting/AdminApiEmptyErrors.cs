namespace FlagDashboard.Hosting;

/// <summary>
/// Answers that the pipeline leaves empty under the admin API (a sign-in challenge's 401, routing's 405 and
/// 415) become problem details, so a client reads every error the same way. Registered early, around
/// authentication, which writes those answers.
/// </summary>
internal sealed class AdminApiEmptyErrors(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        await next(context);
        if (context.Response is { HasStarted: false, StatusCode: >= 400, ContentLength: null }
            && context.Request.Path.StartsWithSegments("/api/admin"))
        {
            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = context.Response.StatusCode },
            });
        }
    }
}
