using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.ApiKeys;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.ApiKeys;

/// <summary>The organisation's admin API keys: rotated by creating a new key and revoking the old one.</summary>
public static class ApiKeysApi
{
    /// <summary><see cref="Key"/> is whole only in the answer that creates it; lists show its first characters.</summary>
    public sealed record ApiKeyResponse(int Id, string Name, ApiKeyRole Role, int? ProjectId, string Prefix, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? RevokedAt, string? Key = null);

    /// <summary>A key is an owner of the organisation unless given <c>viewer</c>; with a project id it acts only in that project.</summary>
    public sealed record CreateApiKeyRequest([Required(AllowEmptyStrings = true)] string Name, ApiKeyRole? Role, int? ProjectId);

    public static RouteGroupBuilder MapApiKeysApi(this RouteGroupBuilder admin)
    {
        var keys = admin.MapGroup("/api-keys").WithTags("API keys");
        keys.MapGet("/", ListApiKeys).WithName("ListApiKeys").WithSummary("The organisation's admin API keys, revoked ones included.");
        keys.MapPost("/", CreateApiKey).WithName("CreateApiKey").WithSummary("Creates an admin API key; the answer is the only time the whole key is shown.");
        keys.MapDelete("/{keyId}", RevokeApiKey).WithName("RevokeApiKey").WithSummary("Revokes an admin API key at once.");
        return admin;
    }

    private static async Task<Ok<IReadOnlyList<ApiKeyResponse>>> ListApiKeys(ClaimsPrincipal user, AdminApiKeyService keys, CancellationToken cancellationToken)
    {
        var all = await keys.ListAsync(user.KeyOrganisationId(), cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ApiKeyResponse>>(all.Select(k => Response(k)).ToList());
    }

    private static async Task<Created<ApiKeyResponse>> CreateApiKey(CreateApiKeyRequest request, ClaimsPrincipal user, AdminApiKeyService keys, CancellationToken cancellationToken)
    {
        var created = await keys.CreateAsync(user.KeyOrganisationId(), request.Name, request.Role ?? ApiKeyRole.Owner, request.ProjectId, cancellationToken);
        return TypedResults.Created("/api/admin/api-keys", Response(created.Key, created.Secret));
    }

    private static async Task<NoContent> RevokeApiKey(int keyId, AdminApiKeyService keys, CancellationToken cancellationToken)
    {
        await keys.RevokeAsync(keyId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ApiKeyResponse Response(AdminApiKey k, string? secret = null) => new(k.Id, k.Name, k.Role, k.ProjectId, k.Prefix, k.CreatedAt, k.CreatedBy, k.RevokedAt, secret);
}
