using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Flags;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Identities;

/// <summary>Identities of an environment, their traits, and their feature overrides.</summary>
public static class IdentitiesApi
{
    public sealed record IdentitySummaryResponse(int Id, string Identifier, DateTimeOffset CreatedAt, int TraitCount, int OverrideCount);

    public sealed record TraitResponse(string Key, FlagValue Value);

    public sealed record IdentityOverrideResponse(int StateId, int FeatureId, string FeatureName, bool Enabled, FlagValue Value, int Version);

    public sealed record IdentityResponse(int Id, int EnvironmentId, string Identifier, DateTimeOffset CreatedAt, IReadOnlyList<TraitResponse> Traits, IReadOnlyList<IdentityOverrideResponse> Overrides);

    public sealed record CreateIdentityRequest([Required(AllowEmptyStrings = true)] string Identifier);

    public sealed record TraitRequest(FlagValue Value);

    public sealed record IdentityOverrideRequest([Required] bool? Enabled, FlagValue Value);

    public static RouteGroupBuilder MapIdentitiesApi(this RouteGroupBuilder admin)
    {
        var identities = admin.MapGroup("/").WithTags("Identities");
        identities.MapGet("/environments/{environmentId}/identities", SearchIdentities).WithName("SearchIdentities").WithSummary("An environment's identities whose identifier starts with ?prefix=, in identifier order.");
        identities.MapPost("/environments/{environmentId}/identities", CreateIdentity).WithName("CreateIdentity").WithSummary("Creates an identity.");
        identities.MapGet("/identities/{identityId}", GetIdentity).WithName("GetIdentity").WithSummary("One identity with its traits and overrides.");
        identities.MapDelete("/identities/{identityId}", DeleteIdentity).WithName("DeleteIdentity").WithSummary("Deletes an identity with its traits and overrides.");
        identities.MapPut("/identities/{identityId}/traits/{key}", SetTrait).WithName("SetTrait").WithSummary("Sets a trait; a null value deletes it, as an SDK's null does.");
        identities.MapDelete("/identities/{identityId}/traits/{key}", DeleteTrait).WithName("DeleteTrait").WithSummary("Deletes a trait.");
        identities.MapPut("/identities/{identityId}/overrides/{featureId}", SetIdentityOverride).WithName("SetIdentityOverride").WithSummary("Overrides a feature for this identity, above every segment.");
        identities.MapDelete("/identities/{identityId}/overrides/{featureId}", RemoveIdentityOverride).WithName("RemoveIdentityOverride").WithSummary("Removes an identity's override of a feature.");
        return admin;
    }

    private static async Task<Ok<Paged<IdentitySummaryResponse>>> SearchIdentities(int environmentId, string? prefix, [AsParameters] PageRequest page, IdentityService identities, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var found = await identities.SearchAsync(environmentId, prefix, page.Skip, page.Size, cancellationToken);
        return TypedResults.Ok(page.Of<IdentitySummaryResponse>(
            found.Items.Select(i => new IdentitySummaryResponse(i.Id, i.Identifier, i.CreatedAt, i.TraitCount, i.OverrideCount)).ToList(), found.TotalCount));
    }

    private static async Task<Created<IdentityResponse>> CreateIdentity(int environmentId, CreateIdentityRequest request, IdentityService identities, CancellationToken cancellationToken)
    {
        var identity = await identities.CreateAsync(environmentId, request.Identifier, cancellationToken);
        return TypedResults.Created($"/api/admin/identities/{identity.Id}", Response(await identities.GetAsync(identity.Id, cancellationToken)));
    }

    private static async Task<Ok<IdentityResponse>> GetIdentity(int identityId, IdentityService identities, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await identities.GetAsync(identityId, cancellationToken)));
    }

    private static async Task<NoContent> DeleteIdentity(int identityId, IdentityService identities, CancellationToken cancellationToken)
    {
        await identities.DeleteAsync(identityId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IdentityResponse>> SetTrait(int identityId, string key, TraitRequest request, IdentityService identities, CancellationToken cancellationToken)
    {
        await identities.SetTraitAsync(identityId, key, request.Value, cancellationToken);
        return TypedResults.Ok(Response(await identities.GetAsync(identityId, cancellationToken)));
    }

    private static async Task<NoContent> DeleteTrait(int identityId, string key, IdentityService identities, CancellationToken cancellationToken)
    {
        await identities.SetTraitAsync(identityId, key, FlagValue.None, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<FeaturesApi.FeatureStateResponse>> SetIdentityOverride(int identityId, int featureId, IdentityOverrideRequest request, IdentityService identities, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(FeaturesApi.StateResponse(await identities.SetOverrideAsync(identityId, featureId, request.Enabled!.Value, request.Value, cancellationToken)));
    }

    private static async Task<NoContent> RemoveIdentityOverride(int identityId, int featureId, IdentityService identities, CancellationToken cancellationToken)
    {
        await identities.RemoveOverrideAsync(identityId, featureId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static IdentityResponse Response(IdentityDetails d) => new(
        d.Id, d.EnvironmentId, d.Identifier, d.CreatedAt,
        d.Traits.Select(t => new TraitResponse(t.Key, t.Value)).ToList(),
        d.Overrides.Select(o => new IdentityOverrideResponse(o.StateId, o.FeatureId, o.FeatureName, o.Enabled, o.Value, o.Version)).ToList());
}
