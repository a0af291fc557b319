using System.ComponentModel.DataAnnotations;
using FlagDashboard.AdminApi;
using FlagDashboard.Core;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Versions;
using FlagDashboard.Versions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.ChangeRequests;

/// <summary>
/// Change requests, for environments that require approvals: a state change there through the API answers 202
/// with the request it opened; CI pipelines open, approve and commit requests here.
/// </summary>
public static class ChangeRequestsApi
{
    public sealed record RequiredApprovalsRequest([Required] int? RequiredApprovals, int? Version);

    public sealed record RequiredApprovalsResponse(int EnvironmentId, int RequiredApprovals, int Version);

    public sealed record ProposedWeight(int OptionId, double Percentage);

    /// <param name="Priority">Ignored: the overrides' order in the list is their priority, first wins.</param>
    public sealed record ProposedSegmentOverride(int SegmentId, bool Enabled, FlagValue Value, IReadOnlyList<ProposedWeight>? Weights, int? Priority) : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) => NullItems.In(Weights, nameof(Weights));
    }

    /// <param name="BaseVersion">The live version you made the proposal against (left out: the live one now).</param>
    /// <param name="ScheduledFor">When it is to go live (ISO 8601 with an offset). In an environment needing no approval the change is scheduled at once; otherwise when it is committed.</param>
    public sealed record CreateChangeRequestRequest(
        [Required(AllowEmptyStrings = true)] string Title, string? Description, [Required] bool? Enabled, FlagValue Value, IReadOnlyList<ProposedWeight>? Weights,
        IReadOnlyList<ProposedSegmentOverride>? SegmentOverrides, int? BaseVersion, IReadOnlyList<string>? Reviewers, DateTimeOffset? ScheduledFor) : IValidatableObject
    {
        public IEnumerable<ValidationResult> Validate(ValidationContext validationContext) =>
            [.. NullItems.In(Weights, nameof(Weights)), .. NullItems.In(SegmentOverrides, nameof(SegmentOverrides)), .. NullItems.In(Reviewers, nameof(Reviewers))];
    }

    /// <param name="ScheduledFor">Commit at this future time instead of now (ISO 8601 with an offset); left out: now, or the time the request was opened with.</param>
    public sealed record CommitChangeRequestRequest(DateTimeOffset? ScheduledFor);

    public sealed record ApprovalResponse(string Approver, DateTimeOffset At);

    public sealed record ChangeRequestResponse(
        int Id, int FeatureId, string FeatureName, int EnvironmentId, string Title, string? Description, string Author, DateTimeOffset CreatedAt,
        ChangeRequestStatus Status, IReadOnlyList<string> Reviewers, IReadOnlyList<ApprovalResponse> Approvals, int RequiredApprovals,
        int? BaseVersion, int? LiveVersion, bool HasConflict, bool CanBeCommitted, int? CommittedVersion,
        VersionsApi.VersionDetailResponse Proposed, DateTimeOffset? ScheduledFor);

    public sealed record ChangeRequestSummaryResponse(
        int Id, int FeatureId, string FeatureName, string Title, string Author, DateTimeOffset CreatedAt, ChangeRequestStatus Status,
        int Approvals, int RequiredApprovals, bool HasConflict, DateTimeOffset? ScheduledFor);

    public static RouteGroupBuilder MapChangeRequestsApi(this RouteGroupBuilder admin)
    {
        var group = admin.MapGroup("/").WithTags("Change requests");
        group.MapPut("/environments/{environmentId}/required-approvals", SetRequiredApprovals).WithName("SetRequiredApprovals")
            .WithSummary("How many approvals a change of flag states in the environment needs (0, the default: changes go live at once); give the environment's version.");
        group.MapGet("/environments/{environmentId}/change-requests", ListChangeRequests).WithName("ListChangeRequests")
            .WithSummary("The environment's change requests, open ones first; includeDone=true adds committed and closed ones.");
        group.MapPost("/environments/{environmentId}/features/{featureId}/change-requests", CreateChangeRequest).WithName("CreateChangeRequest")
            .WithSummary("Proposes the states of a feature in the environment (on/off, value, weights, segment overrides in order) for approval.");
        group.MapGet("/change-requests/{changeRequestId}", GetChangeRequest).WithName("GetChangeRequest").WithSummary("One change request with its proposed states, approvals and conflict.");
        group.MapPost("/change-requests/{changeRequestId}/approve", ApproveChangeRequest).WithName("ApproveChangeRequest").WithSummary("Approves a change request; its author cannot.");
        group.MapPost("/change-requests/{changeRequestId}/commit", CommitChangeRequest).WithName("CommitChangeRequest")
            .WithSummary("Makes an approved change request live as a new version (project Admins and Owners), now or, with scheduledFor, at that time.");
        group.MapGet("/environments/{environmentId}/scheduled-changes", ListScheduledChanges).WithName("ListScheduledChanges")
            .WithSummary("The environment's scheduled changes, soonest first, with those not applied because their feature changed meanwhile (status Conflict).");
        group.MapPost("/change-requests/{changeRequestId}/rebase", RebaseChangeRequest).WithName("RebaseChangeRequest")
            .WithSummary("Re-makes a conflicting request on the live version; its approvals start again.");
        group.MapPost("/change-requests/{changeRequestId}/close", CloseChangeRequest).WithName("CloseChangeRequest")
            .WithSummary("Closes a change request without applying it; for a scheduled change, cancels the schedule.");
        return admin;
    }

    private static async Task<Ok<RequiredApprovalsResponse>> SetRequiredApprovals(int environmentId, RequiredApprovalsRequest request, EnvironmentService environments, CancellationToken cancellationToken)
    {
        var environment = await environments.SetRequiredApprovalsAsync(environmentId, request.RequiredApprovals!.Value, AdminAccess.RequireVersion(request.Version), cancellationToken);
        return TypedResults.Ok(new RequiredApprovalsResponse(environment.Id, environment.RequiredApprovals, environment.Version));
    }

    private static async Task<Ok<Paged<ChangeRequestSummaryResponse>>> ListChangeRequests(int environmentId, [AsParameters] PageRequest page, bool? includeDone, ChangeRequestService requests, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await requests.ListAsync(environmentId, includeDone ?? false, cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(SummaryResponse).ToList()));
    }

    private static async Task<Ok<Paged<ChangeRequestSummaryResponse>>> ListScheduledChanges(int environmentId, [AsParameters] PageRequest page, ChangeRequestService requests, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await requests.ListAsync(environmentId, false, cancellationToken);
        return TypedResults.Ok(page.Of(all.Where(r => r.Status is ChangeRequestStatus.Scheduled or ChangeRequestStatus.Conflict)
            .OrderBy(r => r.ScheduledFor).ThenBy(r => r.Id).Select(SummaryResponse).ToList()));
    }

    private static ChangeRequestSummaryResponse SummaryResponse(ChangeRequestSummary r) =>
        new(r.Id, r.FeatureId, r.FeatureName, r.Title, r.Author, r.CreatedAt, r.Status, r.Approvals, r.RequiredApprovals, r.HasConflict, r.ScheduledFor);

    private static async Task<Created<ChangeRequestResponse>> CreateChangeRequest(int environmentId, int featureId, CreateChangeRequestRequest request, ChangeRequestService requests, FeatureService features, CancellationToken cancellationToken)
    {
        var options = (await features.GetAsync(featureId, cancellationToken)).Options.ToDictionary(o => o.Id, o => o.Value.ToJson());
        List<WeightSnapshot> Weights(IReadOnlyList<ProposedWeight>? weights) =>
            (weights ?? []).Select(w => new WeightSnapshot(w.OptionId, options.GetValueOrDefault(w.OptionId) ?? "null", w.Percentage)).OrderBy(w => w.OptionId).ToList();
        var proposed = new StatesSnapshot(
            request.Enabled!.Value,
            request.Value.ToJson(),
            Weights(request.Weights),
            (request.SegmentOverrides ?? []).Select((o, index) => new SegmentOverrideSnapshot(o.SegmentId, $"#{o.SegmentId}", index, o.Enabled, o.Value.ToJson(), Weights(o.Weights))).ToList());
        var created = await requests.CreateAsync(featureId, environmentId, new ChangeRequestInput(request.Title, request.Description, proposed, request.BaseVersion, request.Reviewers, request.ScheduledFor), cancellationToken);
        return TypedResults.Created($"/api/admin/change-requests/{created.Summary.Id}", Response(created));
    }

    private static async Task<Ok<ChangeRequestResponse>> GetChangeRequest(int changeRequestId, ChangeRequestService requests, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await requests.GetAsync(changeRequestId, cancellationToken)));

    private static async Task<Ok<ChangeRequestResponse>> ApproveChangeRequest(int changeRequestId, ChangeRequestService requests, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await requests.ApproveAsync(changeRequestId, cancellationToken)));

    private static async Task<Ok<ChangeRequestResponse>> CommitChangeRequest(int changeRequestId, CommitChangeRequestRequest? request, ChangeRequestService requests, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await requests.CommitAsync(changeRequestId, request?.ScheduledFor, cancellationToken)));

    private static async Task<Ok<ChangeRequestResponse>> RebaseChangeRequest(int changeRequestId, ChangeRequestService requests, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await requests.RebaseAsync(changeRequestId, cancellationToken)));

    private static async Task<Ok<ChangeRequestResponse>> CloseChangeRequest(int changeRequestId, ChangeRequestService requests, CancellationToken cancellationToken) =>
        TypedResults.Ok(Response(await requests.CloseAsync(changeRequestId, cancellationToken)));

    private static ChangeRequestResponse Response(ChangeRequestDetail d) => new(
        d.Summary.Id, d.Summary.FeatureId, d.Summary.FeatureName, d.Summary.EnvironmentId, d.Summary.Title, d.Description, d.Summary.Author, d.Summary.CreatedAt,
        d.Summary.Status, d.Reviewers, d.Approvals.Select(a => new ApprovalResponse(a.Approver, a.At)).ToList(), d.Summary.RequiredApprovals,
        d.BaseVersion, d.LiveVersion, d.HasConflict, d.CanBeCommitted, d.CommittedVersion,
        VersionsApi.Response(new FeatureVersionDetail(d.Summary.FeatureId, d.Summary.EnvironmentId,
            new FeatureVersionSummary(0, d.Summary.Author, d.Summary.CreatedAt, d.Summary.Title, false), d.Proposed)),
        d.Summary.ScheduledFor);
}
