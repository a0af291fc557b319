using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Environments;

/// <summary>Environments of a project, their SDK keys, and cloning.</summary>
public static class EnvironmentsApi
{
    public sealed record EnvironmentResponse(int Id, int ProjectId, string Name, string ClientKey, int Version, DateTimeOffset DocumentUpdatedAt);

    public sealed record EnvironmentNameRequest([Required(AllowEmptyStrings = true)] string Name);

    public sealed record RenameEnvironmentRequest([Required(AllowEmptyStrings = true)] string Name, int? Version);

    /// <summary>A server-side key; <see cref="Key"/> is whole only in the answer that creates it.</summary>
    public sealed record ServerSideKeyResponse(int Id, string Name, string Key, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

    public static RouteGroupBuilder MapEnvironmentsApi(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/").WithTags("Environments");
        group.MapGet("/projects/{projectId}/environments", ListEnvironments).WithName("ListEnvironments").WithSummary("A project's environments.");
        group.MapPost("/projects/{projectId}/environments", CreateEnvironment).WithName("CreateEnvironment").WithSummary("Creates an environment with every feature at its defaults.");
        group.MapGet("/environments/{environmentId}", GetEnvironment).WithName("GetEnvironment").WithSummary("One environment with its client key.");
        group.MapPut("/environments/{environmentId}", RenameEnvironment).WithName("RenameEnvironment").WithSummary("Renames an environment; give the version you read.");
        group.MapDelete("/environments/{environmentId}", DeleteEnvironment).WithName("DeleteEnvironment").WithSummary("Deletes an environment with its states, overrides and identities.");
        group.MapPost("/environments/{environmentId}/clone", CloneEnvironment).WithName("CloneEnvironment").WithSummary("Copies an environment's states, weights and segment overrides into a new environment; identities stay behind.");
        group.MapGet("/environments/{environmentId}/server-side-keys", ListServerSideKeys).WithName("ListServerSideKeys").WithSummary("An environment's server-side keys, shown by their start only.");
        group.MapPost("/environments/{environmentId}/server-side-keys", CreateServerSideKey).WithName("CreateServerSideKey").WithSummary("Creates a server-side key; the answer is the only time the whole key is shown.");
        group.MapDelete("/server-side-keys/{keyId}", RevokeServerSideKey).WithName("RevokeServerSideKey").WithSummary("Revokes a server-side key; SDKs using it get 401 within a second.");
        return admin;
    }

    private static async Task<Ok<Paged<EnvironmentResponse>>> ListEnvironments(int projectId, [AsParameters] PageRequest page, EnvironmentService environments, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await environments.ListAsync(projectId, cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(e => new EnvironmentResponse(e.Id, e.ProjectId, e.Name, e.ClientKey, e.Version, e.DocumentUpdatedAt)).ToList()));
    }

    private static async Task<Created<EnvironmentResponse>> CreateEnvironment(int projectId, EnvironmentNameRequest request, EnvironmentService environments, CancellationToken cancellationToken)
    {
        var environment = await environments.CreateAsync(projectId, request.Name, cancellationToken);
        return TypedResults.Created($"/api/admin/environments/{environment.Id}", Response(environment));
    }

    private static async Task<Ok<EnvironmentResponse>> GetEnvironment(int environmentId, EnvironmentService environments, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await environments.GetAsync(environmentId, cancellationToken)));
    }

    private static async Task<Ok<EnvironmentResponse>> RenameEnvironment(int environmentId, RenameEnvironmentRequest request, EnvironmentService environments, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await environments.RenameAsync(environmentId, request.Name, AdminAccess.RequireVersion(request.Version), cancellationToken)));
    }

    private static async Task<NoContent> DeleteEnvironment(int environmentId, EnvironmentService environments, CancellationToken cancellationToken)
    {
        await environments.DeleteAsync(environmentId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Created<EnvironmentResponse>> CloneEnvironment(int environmentId, EnvironmentNameRequest request, EnvironmentService environments, CancellationToken cancellationToken)
    {
        var clone = await environments.CloneAsync(environmentId, request.Name, cancellationToken);
        return TypedResults.Created($"/api/admin/environments/{clone.Id}", Response(clone));
    }

    private static async Task<Ok<IReadOnlyList<ServerSideKeyResponse>>> ListServerSideKeys(int environmentId, EnvironmentService environments, CancellationToken cancellationToken)
    {
        var keys = await environments.ListServerSideKeysAsync(environmentId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ServerSideKeyResponse>>(keys.Select(k => new ServerSideKeyResponse(k.Id, k.Name, k.Key, k.CreatedAt, k.RevokedAt)).ToList());
    }

    private static async Task<Created<ServerSideKeyResponse>> CreateServerSideKey(int environmentId, EnvironmentNameRequest request, EnvironmentService environments, CancellationToken cancellationToken)
    {
        var key = await environments.CreateServerSideKeyAsync(environmentId, request.Name, cancellationToken);
        return TypedResults.Created($"/api/admin/environments/{environmentId}/server-side-keys", new ServerSideKeyResponse(key.Id, key.Name, key.Key, key.CreatedAt, key.RevokedAt));
    }

    private static async Task<NoContent> RevokeServerSideKey(int keyId, EnvironmentService environments, CancellationToken cancellationToken)
    {
        await environments.RevokeServerSideKeyAsync(keyId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static EnvironmentResponse Response(ProjectEnvironment e) => new(e.Id, e.ProjectId, e.Name, e.ClientKey, e.Version, e.DocumentUpdatedAt);
}
