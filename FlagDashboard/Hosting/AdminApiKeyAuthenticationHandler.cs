using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using FlagDashboard.Core.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Hosting;

/// <summary>Authenticates automation by <c>Authorization: Api-Key &lt;key&gt;</c>, acting for the key's organisation.</summary>
internal sealed class AdminApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    AdminApiKeyService keys)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string PolicyName = "AdminApiKey";
    public const string OrganisationClaim = "organisation";
    private const string HeaderPrefix = "Api-Key ";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = await keys.AuthenticateAsync(header[HeaderPrefix.Length..].Trim(), Context.RequestAborted);
        if (key is null)
        {
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.Name, $"api-key:{key.Name}"),
                new Claim(OrganisationClaim, key.OrganisationId.ToString(CultureInfo.InvariantCulture)),
            ],
            SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A missing or unknown key is told as problem details (RFC 9457), like every other admin API error.</summary>
    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Api-Key";
        var presented = Request.Headers.Authorization.ToString().StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase);
        await WriteProblemAsync(
            "An admin API key is required.",
            presented ? "The API key is unknown or revoked." : "Send Authorization: Api-Key <key>; an operator creates one with the create-api-key command.");
    }

    private async Task WriteProblemAsync(string title, string detail)
    {
        var problems = Context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new Microsoft.AspNetCore.Mvc.ProblemDetails { Status = Response.StatusCode, Title = title, Detail = detail },
        });
    }
}
