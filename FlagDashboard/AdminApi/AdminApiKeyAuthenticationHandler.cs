using System.Globalization;
using System.Security.Claims;
using System.Text.Encodings.Web;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.ApiKeys;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace FlagDashboard.AdminApi;

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
    public const string KeyIdClaim = "api-key-id";
    public const string RoleClaim = "api-key-role";
    public const string ProjectClaim = "api-key-project";
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

        List<Claim> claims =
        [
            new(ClaimTypes.Name, $"api-key:{key.Name}"),
            new(KeyIdClaim, key.Id.ToString(CultureInfo.InvariantCulture)),
            new(OrganisationClaim, key.OrganisationId.ToString(CultureInfo.InvariantCulture)),
            new(RoleClaim, key.Role.ToString()),
        ];
        if (key.ProjectId is { } projectId)
        {
            claims.Add(new(ProjectClaim, projectId.ToString(CultureInfo.InvariantCulture)));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    /// <summary>A missing or unknown key: 401, worded as problem details by <see cref="AdminApiProblems"/> like every other admin API error.</summary>
    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = "Api-Key";
        return Task.CompletedTask;
    }

    /// <summary>Whether the request presents a key at all (then a 401 means the key is unknown or revoked).</summary>
    public static bool IsPresented(HttpRequest request) =>
        request.Headers.Authorization.ToString().StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The key the request authenticated with, as the access rule reads it.</summary>
    public static AccessSubject.ApiKey? Subject(ClaimsPrincipal user)
    {
        if (user.Identity?.AuthenticationType != SchemeName || user.FindFirstValue(KeyIdClaim) is not { } keyId)
        {
            return null;
        }

        return new AccessSubject.ApiKey(
            int.Parse(keyId, CultureInfo.InvariantCulture),
            user.Identity.Name!["api-key:".Length..],
            int.Parse(user.FindFirstValue(OrganisationClaim)!, CultureInfo.InvariantCulture),
            Enum.Parse<ApiKeyRole>(user.FindFirstValue(RoleClaim)!),
            user.FindFirstValue(ProjectClaim) is { } project ? int.Parse(project, CultureInfo.InvariantCulture) : null);
    }
}
