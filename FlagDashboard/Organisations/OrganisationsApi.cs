using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Organisations;

public static class OrganisationsApi
{
    public sealed record OrganisationResponse(int Id, string Name, int Version);

    public sealed record RenameOrganisationRequest([Required(AllowEmptyStrings = true)] string Name, int? Version);

    public static RouteGroupBuilder MapOrganisationApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/organisation", GetOwnOrganisation)
            .WithName("GetOwnOrganisation")
            .WithSummary("The organisation the presented API key acts for.");
        admin.MapPut("/organisation", RenameOwnOrganisation)
            .WithName("RenameOwnOrganisation")
            .WithSummary("Renames the key's organisation; give the version you read.");
        return admin;
    }

    private static async Task<Ok<OrganisationResponse>> GetOwnOrganisation(ClaimsPrincipal user, OrganisationService organisations, CancellationToken cancellationToken)
    {
        var organisation = await organisations.GetAsync(user.KeyOrganisationId(), cancellationToken);
        return TypedResults.Ok(new OrganisationResponse(organisation.Id, organisation.Name, organisation.Version));
    }

    private static async Task<Ok<OrganisationResponse>> RenameOwnOrganisation(RenameOrganisationRequest request, ClaimsPrincipal user, OrganisationService organisations, CancellationToken cancellationToken)
    {
        var organisation = await organisations.RenameAsync(user.KeyOrganisationId(), request.Name, AdminAccess.RequireVersion(request.Version), cancellationToken);
        return TypedResults.Ok(new OrganisationResponse(organisation.Id, organisation.Name, organisation.Version));
    }
}
