using System.Globalization;
using System.Security.Claims;
using FlagDashboard.Audit;
using FlagDashboard.ChangeRequests;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Environments;
using FlagDashboard.Flags;
using FlagDashboard.Hosting;
using FlagDashboard.Identities;
using FlagDashboard.Import;
using FlagDashboard.Members;
using FlagDashboard.Projects;
using FlagDashboard.Segments;
using FlagDashboard.Versions;
using FlagDashboard.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Organisations;

public static class OrganisationsApi
{
    public sealed record OrganisationResponse(int Id, string Name, int Version);

    public sealed record RenameOrganisationRequest(string Name, int? Version);

    /// <summary>The admin API's root group: every route under it authenticates by admin API key and acts inside the key's organisation.</summary>
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin")
            .RequireAuthorization(AdminApiKeyAuthenticationHandler.PolicyName)
            .AddEndpointFilter<AdminApiErrors>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapGet("/organisation", GetOwnOrganisation)
            .WithName("GetOwnOrganisation")
            .WithSummary("The organisation the presented API key acts for.");
        admin.MapPut("/organisation", RenameOwnOrganisation)
            .WithName("RenameOwnOrganisation")
            .WithSummary("Renames the key's organisation; give the version you read.");
        admin.MapApiKeysApi();
        admin.MapMembersApi();
        admin.MapProjectsApi();
        admin.MapEnvironmentsApi();
        admin.MapFeaturesApi();
        admin.MapVersionsApi();
        admin.MapChangeRequestsApi();
        admin.MapSegmentsApi();
        admin.MapIdentitiesApi();
        admin.MapAuditApi();
        admin.MapEnvironmentDocumentsApi();
        admin.MapWebhooksApi();
        return admin;
    }

    private static async Task<Ok<OrganisationResponse>> GetOwnOrganisation(ClaimsPrincipal user, OrganisationService organisations, CancellationToken cancellationToken)
    {
        var organisation = await organisations.GetAsync(OrganisationId(user), cancellationToken);
        return TypedResults.Ok(new OrganisationResponse(organisation.Id, organisation.Name, organisation.Version));
    }

    private static async Task<Ok<OrganisationResponse>> RenameOwnOrganisation(RenameOrganisationRequest request, ClaimsPrincipal user, OrganisationService organisations, CancellationToken cancellationToken)
    {
        var organisation = await organisations.RenameAsync(OrganisationId(user), request.Name, AdminAccess.RequireVersion(request.Version), cancellationToken);
        return TypedResults.Ok(new OrganisationResponse(organisation.Id, organisation.Name, organisation.Version));
    }

    internal static int OrganisationId(ClaimsPrincipal user) =>
        int.Parse(user.FindFirstValue(AdminApiKeyAuthenticationHandler.OrganisationClaim)!, CultureInfo.InvariantCulture);
}
