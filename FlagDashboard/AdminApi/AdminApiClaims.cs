using System.Globalization;
using System.Security.Claims;

namespace FlagDashboard.AdminApi;

internal static class AdminApiClaims
{
    /// <summary>The organisation the presented admin API key acts for (every admin route has authenticated it).</summary>
    public static int KeyOrganisationId(this ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(AdminApiKeyAuthenticationHandler.OrganisationClaim)!, CultureInfo.InvariantCulture);
}
