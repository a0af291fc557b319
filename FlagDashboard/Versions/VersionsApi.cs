using FlagDashboard.AdminApi;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Versions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Versions;

/// <summary>A feature's version history in an environment: every change of its states there, and restoring an old version as a new one.</summary>
public static class VersionsApi
{
    public sealed record VersionResponse(int Number, string Author, DateTimeOffset CreatedAt, string? Comment, bool IsLive);

    public sealed record VersionWeightResponse(int OptionId, FlagValue OptionValue, double Percentage);

    /// <param name="Priority">The override's place in the order: 0 wins over 1.</param>
    public sealed record VersionSegmentOverrideResponse(int SegmentId, string SegmentName, int Priority, bool Enabled, FlagValue Value, IReadOnlyList<VersionWeightResponse> Weights);

    public sealed record VersionDetailResponse(
        int FeatureId, int EnvironmentId, int Number, string Author, DateTimeOffset CreatedAt, string? Comment, bool IsLive,
        bool Enabled, FlagValue Value, IReadOnlyList<VersionWeightResponse> Weights, IReadOnlyList<VersionSegmentOverrideResponse> SegmentOverrides);

    /// <param name="LiveVersion">The version number you saw as live; when another change came since, the restore is refused with 409.</param>
    public sealed record RestoreVersionRequest(int? LiveVersion, string? Comment);

    public static RouteGroupBuilder MapVersionsApi(this RouteGroupBuilder admin)
    {
        var versions = admin.MapGroup("/environments/{environmentId}/features/{featureId}/versions").WithTags("Versions");
        versions.MapGet("", ListVersions).WithName("ListVersions").WithSummary("A feature's versions in an environment, newest (the live one) first.");
        versions.MapGet("/{number}", GetVersion).WithName("GetVersion").WithSummary("One version with the states it holds: on/off, value, weights, segment overrides in order.");
        versions.MapPost("/{number}/restore", RestoreVersion).WithName("RestoreVersion").WithSummary("Makes an old version's states live again, as a new version.");
        return admin;
    }

    private static async Task<Ok<Paged<VersionResponse>>> ListVersions(int environmentId, int featureId, [AsParameters] PageRequest page, FeatureVersionService versions, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await versions.ListAsync(featureId, environmentId, cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(v => new VersionResponse(v.Number, v.Author, v.CreatedAt, v.Comment, v.IsLive)).ToList()));
    }

    private static async Task<Ok<VersionDetailResponse>> GetVersion(int environmentId, int featureId, int number, FeatureVersionService versions, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await versions.GetAsync(featureId, environmentId, number, cancellationToken)));
    }

    private static async Task<Ok<VersionDetailResponse>> RestoreVersion(int environmentId, int featureId, int number, RestoreVersionRequest request, FeatureVersionService versions, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await versions.RestoreAsync(featureId, environmentId, number, request.LiveVersion, request.Comment, cancellationToken)));
    }

    internal static VersionDetailResponse Response(FeatureVersionDetail detail) => new(
        detail.FeatureId, detail.EnvironmentId, detail.Version.Number, detail.Version.Author, detail.Version.CreatedAt, detail.Version.Comment, detail.Version.IsLive,
        detail.States.Enabled, detail.States.FlagValue, Weights(detail.States.Weights),
        detail.States.SegmentOverrides.Select(o => new VersionSegmentOverrideResponse(o.SegmentId, o.SegmentName, o.Priority, o.Enabled, o.FlagValue, Weights(o.Weights))).ToList());

    private static List<VersionWeightResponse> Weights(IReadOnlyList<WeightSnapshot> weights) =>
        weights.Select(w => new VersionWeightResponse(w.OptionId, FlagValue.FromJson(w.OptionValue), w.Percentage)).ToList();
}
