using System.Security.Claims;
using System.Text.Json;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Audit;

/// <summary>The organisation's audit log: who changed what and when, with the entity before and after.</summary>
public static class AuditApi
{
    public sealed record AuditEntryResponse(
        long Id, DateTimeOffset At, string Actor, AuditAction Action, string EntityType, string EntityId, string EntityName,
        int? ProjectId, int? EnvironmentId, JsonElement? Before, JsonElement? After);

    public static RouteGroupBuilder MapAuditApi(this RouteGroupBuilder admin)
    {
        admin.MapGet("/audit", ListAuditEntries).WithTags("Audit log").WithName("ListAuditEntries")
            .WithSummary("The organisation's changes, newest first, filtered by project, environment, entity type, actor and time (from inclusive, to exclusive).");
        return admin;
    }

    private static async Task<Ok<Paged<AuditEntryResponse>>> ListAuditEntries(
        int? projectId, int? environmentId, string? entityType, string? actor, DateTimeOffset? from, DateTimeOffset? to,
        [AsParameters] PageRequest page, ClaimsPrincipal user, AccessControl access, AuditLogService audit, CancellationToken cancellationToken)
    {
        page = page.Validated();
        if (projectId is { } project)
        {
            await access.RequireAsync(Permission.Read, OwnedResource.Project, project, cancellationToken);
        }

        if (environmentId is { } environment)
        {
            await access.RequireAsync(Permission.Read, OwnedResource.Environment, environment, cancellationToken);
        }

        var filter = new AuditFilter(user.KeyOrganisationId(), projectId, environmentId, entityType, actor, from, to);
        var found = await audit.QueryAsync(filter, page.Skip, page.Size, cancellationToken);
        return TypedResults.Ok(page.Of<AuditEntryResponse>(found.Items.Select(a => new AuditEntryResponse(
            a.Id, a.At, a.Actor, a.Action, a.EntityType, a.EntityId, a.EntityName, a.ProjectId, a.EnvironmentId, Json(a.Before), Json(a.After))).ToList(), found.TotalCount));
    }

    private static JsonElement? Json(string? text)
    {
        if (text is null)
        {
            return null;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }
}
