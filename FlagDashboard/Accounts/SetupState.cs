using System.Security.Cryptography;
using FlagDashboard.Core.Data;
using FlagDashboard.Hosting;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Accounts;

/// <summary>
/// Whether a first admin exists; once it does, the answer is cached for the life of the process. Until then
/// <c>/setup</c> asks for a one-time set-up code that this process prints in its log at start (as Jenkins and
/// Grafana do), so that whoever reaches the port first cannot make themselves admin: only someone who can read
/// the server's log. Each process has its own code, made anew at every start.
/// </summary>
internal sealed class SetupState(IDbContextFactory<FlagDashboardDbContext> dbFactory)
{
    // Crockford's base 32 without look-alikes (no I, L, O, U): easy to copy from a log by eye.
    private const string CodeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    private volatile bool _complete;

    /// <summary>Three groups of four characters (60 bits), such as <c>7KQ2-M9XD-4TPA</c>.</summary>
    public string Code { get; } = NewCode();

    /// <summary>Whether a typed code is this process's; case, spaces and dashes do not matter.</summary>
    public bool IsCode(string? typed)
    {
        var normalised = new string((typed ?? "").Where(c => c is not ('-' or ' ')).Select(char.ToUpperInvariant).ToArray());
        return CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(normalised), System.Text.Encoding.UTF8.GetBytes(Code.Replace("-", "", StringComparison.Ordinal)));
    }

    /// <summary>At start: prints the code when nobody can sign in yet, with the code as a structured field.</summary>
    public async Task LogCodeIfNeededAsync(ILogger logger, CancellationToken cancellationToken = default)
    {
        if (!await IsCompleteAsync(cancellationToken))
        {
            logger.LogWarning("FlagDashboard has no admin yet. Open /setup and enter the set-up code {SetupCode} to create the first one.", Code);
        }
    }

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

    private static string NewCode()
    {
        var characters = RandomNumberGenerator.GetString(CodeAlphabet, 12);
        return $"{characters[..4]}-{characters[4..8]}-{characters[8..]}";
    }
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
