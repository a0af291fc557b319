using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Hosting;

/// <summary>Whether a first admin exists; once it does, the answer is cached for the life of the process.</summary>
internal sealed class SetupState(IDbContextFactory<FlagDashboardDbContext> dbFactory)
{
    private volatile bool _complete;

    public async ValueTask<bool> IsCompleteAsync(CancellationToken cancellationToken = default)
    {
        if (!_complete)
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            _complete = await db.Users.AnyAsync(cancellationToken);
        }

        return _complete;
    }

    public void MarkComplete() => _complete = true;
}

/// <summary>Until the first admin exists, every dashboard page leads to the set-up page.</summary>
internal sealed class SetupRedirectMiddleware(RequestDelegate next)
{
    public const string SetupPath = "/setup";

    public async Task InvokeAsync(HttpContext context, SetupState setup)
    {
        var path = context.Request.Path;
        var isPage = HttpMethods.IsGet(context.Request.Method)
            && !HostingExtensions.IsApiPath(path)
            && !path.StartsWithSegments(SetupPath)
            && !path.StartsWithSegments("/_framework")
            && !path.StartsWithSegments("/_content")
            && !path.StartsWithSegments("/_blazor")
            && !Path.HasExtension(path.Value);
        if (isPage && !await setup.IsCompleteAsync(context.RequestAborted))
        {
            context.Response.Redirect(SetupPath);
            return;
        }

        await next(context);
    }
}
