using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Segments;
using FlagDashboard.Flags;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Segments;

/// <summary>Segments of a project with their rules, and the segment overrides of features in an environment with their priorities.</summary>
public static class SegmentsApi
{
    public sealed record SegmentRequest([Required(AllowEmptyStrings = true)] string Name, string? Description, IReadOnlyList<SegmentRule>? Rules, int? Version = null)
        : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => NullItems.In(Rules, nameof(Rules));
    }

    public sealed record SegmentResponse(int Id, int ProjectId, string Name, string? Description, IReadOnlyList<SegmentRule> Rules, int Version);

    public sealed record SegmentOverrideResponse(int StateId, int SegmentId, string SegmentName, int FeatureId, string FeatureName, int Priority, bool Enabled, FlagValue Value, int Version);

    public sealed record CreateOverrideRequest([Required] int? FeatureId, [Required] int? SegmentId, [Required] bool? Enabled, FlagValue Value);

    /// <summary>Every segment override of the feature in the environment, by state id, highest priority first.</summary>
    public sealed record OverrideOrderRequest([Required] IReadOnlyList<int> StateIds);

    public static RouteGroupBuilder MapSegmentsApi(this RouteGroupBuilder admin)
    {
        var segments = admin.MapGroup("/").WithTags("Segments");
        segments.MapGet("/projects/{projectId}/segments", ListSegments).WithName("ListSegments").WithSummary("A project's segments, by name.");
        segments.MapPost("/projects/{projectId}/segments", CreateSegment).WithName("CreateSegment").WithSummary("Creates a segment from rules of conditions on traits.");
        segments.MapGet("/segments/{segmentId}", GetSegment).WithName("GetSegment").WithSummary("One segment with its rules.");
        segments.MapPut("/segments/{segmentId}", UpdateSegment).WithName("UpdateSegment").WithSummary("Replaces a segment's name, description and rules; give the version you read.");
        segments.MapDelete("/segments/{segmentId}", DeleteSegment).WithName("DeleteSegment").WithSummary("Deletes a segment and its overrides.");

        var overrides = admin.MapGroup("/").WithTags("Segment overrides");
        overrides.MapGet("/environments/{environmentId}/segment-overrides", ListOverrides).WithName("ListSegmentOverrides").WithSummary("An environment's segment overrides (optionally of one feature) in priority order.");
        overrides.MapPost("/environments/{environmentId}/segment-overrides", CreateOverride).WithName("CreateSegmentOverride").WithSummary("Overrides a feature for a segment; a new override goes last in priority. Change it later through its feature state.");
        overrides.MapDelete("/segment-overrides/{stateId}", DeleteOverride).WithName("DeleteSegmentOverride").WithSummary("Removes a segment override.");
        overrides.MapPut("/environments/{environmentId}/features/{featureId}/segment-override-order", ReorderOverrides).WithName("ReorderSegmentOverrides").WithSummary("Sets the priority of a feature's segment overrides: the first listed wins.");
        return admin;
    }

    private static async Task<Ok<Paged<SegmentResponse>>> ListSegments(int projectId, [AsParameters] PageRequest page, SegmentService segments, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var (items, total) = await segments.ListWithRulesAsync(projectId, page.Skip, page.Size, cancellationToken);
        return TypedResults.Ok(page.Of(items.Select(Response).ToList(), total));
    }

    private static async Task<Created<SegmentResponse>> CreateSegment(int projectId, SegmentRequest request, SegmentService segments, CancellationToken cancellationToken)
    {
        var segment = await segments.CreateAsync(projectId, Input(request), cancellationToken);
        return TypedResults.Created($"/api/admin/segments/{segment.Id}", Response(segment));
    }

    private static async Task<Ok<SegmentResponse>> GetSegment(int segmentId, SegmentService segments, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await segments.GetAsync(segmentId, cancellationToken)));
    }

    private static async Task<Ok<SegmentResponse>> UpdateSegment(int segmentId, SegmentRequest request, SegmentService segments, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        return TypedResults.Ok(Response(await segments.UpdateAsync(segmentId, Input(request), version, cancellationToken)));
    }

    private static async Task<NoContent> DeleteSegment(int segmentId, SegmentService segments, CancellationToken cancellationToken)
    {
        await segments.DeleteAsync(segmentId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<SegmentOverrideResponse>>> ListOverrides(int environmentId, int? featureId, SegmentService segments, CancellationToken cancellationToken)
    {
        var views = await segments.ListOverridesAsync(environmentId, featureId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<SegmentOverrideResponse>>(views.Select(v => new SegmentOverrideResponse(
            v.StateId, v.SegmentId, v.SegmentName, v.FeatureId, v.FeatureName, v.Priority, v.Enabled, v.Value, v.Version)).ToList());
    }

    private static async Task<Created<FeaturesApi.FeatureStateResponse>> CreateOverride(int environmentId, CreateOverrideRequest request, SegmentService segments, CancellationToken cancellationToken)
    {
        var state = await segments.CreateOverrideAsync(environmentId, request.FeatureId!.Value, request.SegmentId!.Value, request.Enabled!.Value, request.Value, cancellationToken);
        return TypedResults.Created($"/api/admin/feature-states/{state.Id}", FeaturesApi.StateResponse(state));
    }

    private static async Task<NoContent> DeleteOverride(int stateId, SegmentService segments, CancellationToken cancellationToken)
    {
        await segments.DeleteOverrideAsync(stateId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<SegmentOverrideResponse>>> ReorderOverrides(int environmentId, int featureId, OverrideOrderRequest request, SegmentService segments, CancellationToken cancellationToken)
    {
        await segments.ReorderOverridesAsync(environmentId, featureId, request.StateIds ?? [], cancellationToken);
        return await ListOverrides(environmentId, featureId, segments, cancellationToken);
    }

    private static SegmentInput Input(SegmentRequest r)
    {
        if (r.Rules is null)
        {
            throw new Core.ValidationException("rules", "A list of rules is required (it may be empty).");
        }

        return new SegmentInput(r.Name, r.Description, r.Rules);
    }

    private static SegmentResponse Response(Segment s) => new(s.Id, s.ProjectId, s.Name, s.Description, s.Rules, s.Version);
}
