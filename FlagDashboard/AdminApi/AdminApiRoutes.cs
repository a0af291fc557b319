using FlagDashboard.ApiKeys;
using FlagDashboard.Audit;
using FlagDashboard.ChangeRequests;
using FlagDashboard.Environments;
using FlagDashboard.Flags;
using FlagDashboard.Identities;
using FlagDashboard.Import;
using FlagDashboard.Members;
using FlagDashboard.Organisations;
using FlagDashboard.Projects;
using FlagDashboard.Segments;
using FlagDashboard.Versions;
using FlagDashboard.UsageLimits;
using FlagDashboard.Webhooks;

namespace FlagDashboard.AdminApi;

/// <summary>
/// The admin API's root group: every route under it authenticates by admin API key (<see cref="AdminApiKeyAuthenticationHandler"/>)
/// and acts inside the key's organisation, with the Core services' refusals turned into problem details
/// (<see cref="AdminApiProblems"/>). Each feature folder maps its own routes on it.
/// </summary>
public static class AdminApiRoutes
{
    public static RouteGroupBuilder MapAdminApi(this IEndpointRouteBuilder endpoints)
    {
        var admin = endpoints.MapGroup("/api/admin")
            .RequireAuthorization(AdminApiKeyAuthenticationHandler.PolicyName)
            .AddEndpointFilter(AdminApiProblems.RequirePlainIds)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        admin.MapOrganisationApi();
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
        admin.MapUsageLimitsApi();
        return admin;
    }
}
