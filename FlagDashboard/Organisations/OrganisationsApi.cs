using System.Globalization;
using System.Security.Claims;
using FlagDashboard.Core;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Organisations;

public static class OrganisationsApi
{
    public sealed record OrganisationResponse(int Id, string Name, int Version);

    /// <summary>The admin API's root group: every route under it authenticates by admin API key.</summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin").RequireAuthorization(AdminApiKeyAuthenticationHandler.PolicyName);
        admin.MapGet("/organisation", GetOwnOrganisation)
            .WithName("GetOwnOrganisation")
            .WithSummary("The organisation the presented API key acts for.");
        return admin;
    }

    private static async Task<Results<Ok<OrganisationResponse>, NotFound>> GetOwnOrganisation(ClaimsPrincipal user, OrganisationService organisations, CancellationToken cancellationToken)
    {
        try
        {
            var organisation = await organisations.GetAsync(OrganisationId(user), cancellationToken);
            return TypedResults.Ok(new OrganisationResponse(organisation.Id, organisation.Name, organisation.Version));
        }
        catch (NotFoundException)
        {
            return TypedResults.NotFound();
        }
    }

    internal static int OrganisationId(ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(AdminApiKeyAuthenticationHandler.OrganisationClaim)!, CultureInfo.InvariantCulture);
}
