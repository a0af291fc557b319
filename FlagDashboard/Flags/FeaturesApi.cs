using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Flags;

/// <summary>Features of a project, their multivariate options, and their state (on/off, value, weights) in each environment.</summary>
public static class FeaturesApi
{
    public sealed record OptionRequest(int? Id, FlagValue Value, [Required] double? DefaultWeight);

    /// <param name="DefaultEnabled">Whether new environments start with the feature on; left out, off.</param>
    public sealed record FeatureRequest(
        [Required(AllowEmptyStrings = true)] string Name,
        string? Description,
        IReadOnlyList<string>? Tags,
        bool? DefaultEnabled,
        FlagValue InitialValue,
        IReadOnlyList<OptionRequest>? Options,
        int? Version) : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
            [.. NullItems.In(Tags, nameof(Tags)), .. NullItems.In(Options, nameof(Options))];
    }

    public sealed record OptionResponse(int Id, FlagValue Value, double DefaultWeight);

    public sealed record FeatureResponse(
        int Id, int ProjectId, string Name, FeatureType Type, string? Description, IReadOnlyList<string> Tags,
        bool DefaultEnabled, FlagValue InitialValue, bool IsArchived, int Version, IReadOnlyList<OptionResponse> Options);

    public sealed record ArchiveRequest([Required] bool? Archived, int? Version);

    public sealed record WeightResponse(int OptionId, double Percentage);

    /// <summary>A feature's state: the environment default, a segment override (segmentId, priority) or an identity override (identityId).</summary>
    public sealed record FeatureStateResponse(
        int Id, int FeatureId, string? FeatureName, int EnvironmentId, int? SegmentId, int? SegmentPriority, int? IdentityId,
        bool Enabled, FlagValue Value, int Version, DateTimeOffset UpdatedAt, IReadOnlyList<WeightResponse> Weights);

    public sealed record UpdateStateRequest([Required] bool? Enabled, FlagValue Value, int? Version);

    public sealed record WeightRequest([Required] int? OptionId, [Required] double? Percentage);

    public sealed record SetWeightsRequest([Required] IReadOnlyList<WeightRequest> Weights, int? Version) : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => NullItems.In(Weights, nameof(Weights));
    }

    public static RouteGroupBuilder MapFeaturesApi(this RouteGroupBuilder admin)
    {
        var features = admin.MapGroup("/").WithTags("Features");
        features.MapGet("/projects/{projectId}/features", ListFeatures).WithName("ListFeatures").WithSummary("A project's features, by name.");
        features.MapPost("/projects/{projectId}/features", CreateFeature).WithName("CreateFeature").WithSummary("Creates a feature (multivariate when it has options) with a state in every environment.");
        features.MapGet("/features/{featureId}", GetFeature).WithName("GetFeature").WithSummary("One feature with its multivariate options.");
        features.MapPut("/features/{featureId}", UpdateFeature).WithName("UpdateFeature").WithSummary("Changes a feature and its options (an option without id is new, one left out is removed); give the version you read.");
        features.MapPut("/features/{featureId}/archived", ArchiveFeature).WithName("ArchiveFeature").WithSummary("Archives a feature or brings it back.");
        features.MapDelete("/features/{featureId}", DeleteFeature).WithName("DeleteFeature").WithSummary("Deletes a feature from every environment.");

        var states = admin.MapGroup("/").WithTags("Feature states");
        states.MapGet("/environments/{environmentId}/feature-states", ListFeatureStates).WithName("ListFeatureStates").WithSummary("Every feature's default state in an environment.");
        states.MapGet("/feature-states/{stateId}", GetFeatureState).WithName("GetFeatureState").WithSummary("One feature state (default or override).");
        states.MapPut("/feature-states/{stateId}", UpdateFeatureState).WithName("UpdateFeatureState").WithSummary("Switches a feature on or off and sets its value, in an environment or in an override; give the version you read.");
        states.MapPut("/feature-states/{stateId}/weights", SetWeights).WithName("SetWeights").WithSummary("Sets the multivariate split (percentages per option, at most 100 in all) of a state.");
        return admin;
    }

    private static async Task<Ok<Paged<FeatureResponse>>> ListFeatures(int projectId, [AsParameters] PageRequest page, bool? includeArchived, FeatureService features, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var (items, total) = await features.ListWithOptionsAsync(projectId, includeArchived ?? false, page.Skip, page.Size, cancellationToken);
        return TypedResults.Ok(page.Of(items.Select(Response).ToList(), total));
    }

    private static async Task<Created<FeatureResponse>> CreateFeature(int projectId, FeatureRequest request, FeatureService features, CancellationToken cancellationToken)
    {
        var feature = await features.CreateAsync(projectId, Input(request), cancellationToken);
        return TypedResults.Created($"/api/admin/features/{feature.Id}", Response(feature));
    }

    private static async Task<Ok<FeatureResponse>> GetFeature(int featureId, FeatureService features, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await features.GetAsync(featureId, cancellationToken)));
    }

    private static async Task<Ok<FeatureResponse>> UpdateFeature(int featureId, FeatureRequest request, FeatureService features, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        return TypedResults.Ok(Response(await features.UpdateAsync(featureId, Input(request), version, cancellationToken)));
    }

    private static async Task<Ok<FeatureResponse>> ArchiveFeature(int featureId, ArchiveRequest request, FeatureService features, CancellationToken cancellationToken)
    {
        await features.SetArchivedAsync(featureId, request.Archived!.Value, AdminAccess.RequireVersion(request.Version), cancellationToken);
        return TypedResults.Ok(Response(await features.GetAsync(featureId, cancellationToken)));
    }

    private static async Task<NoContent> DeleteFeature(int featureId, FeatureService features, CancellationToken cancellationToken)
    {
        await features.DeleteAsync(featureId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Paged<FeatureStateResponse>>> ListFeatureStates(int environmentId, [AsParameters] PageRequest page, bool? includeArchived, FeatureService features, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var views = await features.ListStatesAsync(environmentId, includeArchived ?? false, cancellationToken);
        return TypedResults.Ok(page.Of(views.Select(v => new FeatureStateResponse(
            v.StateId, v.Feature.Id, v.Feature.Name, environmentId, null, null, null, v.Enabled, v.Value, v.StateVersion, v.UpdatedAt,
            v.Weights.Select(w => new WeightResponse(w.OptionId, w.Percentage)).ToList())).ToList()));
    }

    private static async Task<Ok<FeatureStateResponse>> GetFeatureState(int stateId, FeatureService features, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(StateResponse(await features.GetStateAsync(stateId, cancellationToken)));
    }

    private static async Task<Ok<FeatureStateResponse>> UpdateFeatureState(int stateId, UpdateStateRequest request, FeatureService features, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        return TypedResults.Ok(StateResponse(await features.UpdateStateAsync(stateId, request.Enabled!.Value, request.Value, version, cancellationToken)));
    }

    private static async Task<Ok<FeatureStateResponse>> SetWeights(int stateId, SetWeightsRequest request, FeatureService features, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        var weights = (request.Weights ?? []).Select(w => new WeightInput(w.OptionId!.Value, w.Percentage!.Value)).ToList();
        return TypedResults.Ok(StateResponse(await features.SetWeightsAsync(stateId, weights, version, cancellationToken)));
    }

    private static FeatureInput Input(FeatureRequest r) => new(
        r.Name, r.Description, r.Tags, r.DefaultEnabled ?? false, r.InitialValue,
        r.Options?.Select(o => new MultivariateOptionInput(o.Id, o.Value, o.DefaultWeight!.Value)).ToList());

    private static FeatureResponse Response(Feature f) => new(
        f.Id, f.ProjectId, f.Name, f.Type, f.Description, f.Tags, f.DefaultEnabled, f.InitialValue, f.IsArchived, f.Version,
        f.Options.OrderBy(o => o.Id).Select(o => new OptionResponse(o.Id, o.Value, o.DefaultWeight)).ToList());

    internal static FeatureStateResponse StateResponse(FeatureState s) => new(
        s.Id, s.FeatureId, s.Feature?.Name, s.EnvironmentId, s.SegmentId, s.SegmentPriority, s.IdentityId, s.Enabled, s.Value, s.Version, s.UpdatedAt,
        s.Weights.OrderBy(w => w.OptionId).Select(w => new WeightResponse(w.OptionId, w.Percentage)).ToList());
}
