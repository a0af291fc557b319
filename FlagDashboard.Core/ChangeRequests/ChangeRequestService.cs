using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Versions;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.ChangeRequests;

/// <summary>
/// Change requests in environments that require approvals: opened by anyone who may change states there,
/// approved by others who may (never by the author), committed by a project Admin or Owner once enough
/// approvals are in and the live version is still the one the request was made against.
/// </summary>
public sealed class ChangeRequestService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    internal const string Entity = "ChangeRequest";
    public const int MaxApprovals = 10;
    private const int TitleLength = 200;

    public async Task<ChangeRequestDetail> CreateAsync(int featureId, int environmentId, ChangeRequestInput input, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var id = await OpenAsync(db, featureId, environmentId, input, await access.SubjectAsync(), clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    /// <summary>
    /// Schedules a switch and value for a feature in an environment (its segment overrides and weights as they
    /// are live): a request that goes live at <paramref name="at"/>, at once scheduled where no approval is
    /// needed, otherwise open until it is approved and committed.
    /// </summary>
    public async Task<ChangeRequestDetail> ScheduleStateAsync(int featureId, int environmentId, bool enabled, FlagValue value, DateTimeOffset at, string? title = null, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Environment, environmentId, cancellationToken);
        new Validation().Value("value", value).ThrowIfInvalid();
        ScheduledChanges.ValidateTime(at, clock);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await FeatureVersions.BaselineAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, clock, cancellationToken);
        var live = await FeatureVersionService.SnapshotAsync(db, featureId, environmentId, cancellationToken) ?? throw new NotFoundException("Feature", featureId);
        var proposed = live with { Enabled = enabled, Value = value.ToJson() };
        var input = new ChangeRequestInput(string.IsNullOrWhiteSpace(title) ? ScheduledStateTitle(enabled, value) : title, null, proposed, null, ScheduledFor: at);
        var id = await OpenAsync(db, featureId, environmentId, input, await access.SubjectAsync(), clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    private static string ScheduledStateTitle(bool enabled, FlagValue value)
    {
        const int shown = 60;
        var text = value.ToDisplayText();
        var valuePart = text.Length == 0 ? "" : $", value {(text.Length > shown ? text[..shown] + "…" : text)}";
        return $"Switch {(enabled ? "on" : "off")}{valuePart}";
    }

    /// <summary>Opens a request in the caller's context and transaction; the caller checked the right to change states.</summary>
    internal static async Task<int> OpenAsync(FlagDashboardDbContext db, int featureId, int environmentId, ChangeRequestInput input, AccessSubject author, TimeProvider clock, CancellationToken cancellationToken)
    {
        new Validation()
            .Name("title", input.Title?.Trim(), TitleLength)
            .MaxLength("description", input.Description, FieldLimits.Description)
            .Check((input.Reviewers ?? []).All(r => !string.IsNullOrWhiteSpace(r) && r.Length <= FieldLimits.Name), "reviewers", $"Each reviewer is 1 to {FieldLimits.Name} characters.")
            .ThrowIfInvalid();
        ScheduledChanges.ValidateTime(input.ScheduledFor, clock);
        var environment = await db.Environments.AsNoTracking().Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken)
            ?? throw new NotFoundException("Environment", environmentId);
        var feature = await db.Features.AsNoTracking().Include(f => f.Options).SingleOrDefaultAsync(f => f.Id == featureId && f.ProjectId == environment.ProjectId, cancellationToken)
            ?? throw new NotFoundException("Feature", featureId);
        ValidateProposal(input.Proposed, feature.Options.Select(o => o.Id).ToHashSet());
        var live = await FeatureVersionService.LiveNumberAsync(db, featureId, environmentId, cancellationToken);
        var request = new ChangeRequest
        {
            FeatureId = featureId,
            EnvironmentId = environmentId,
            Title = input.Title!.Trim(),
            Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description,
            Author = author.Name,
            AuthorKey = SubjectKey(author),
            CreatedAt = clock.GetUtcNow(),
            BaseVersion = input.BaseVersion ?? live,
            Proposed = input.Proposed.ToJson(),
            Reviewers = (input.Reviewers ?? []).Select(r => r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList(),
            ScheduledFor = input.ScheduledFor?.ToUniversalTime(),
        };
        if (input.ScheduledFor is not null && environment.RequiredApprovals == 0)
        {
            // Nothing to approve: the change is scheduled as it is made, by the person who may make it.
            request.Status = ChangeRequestStatus.Scheduled;
            request.ScheduledBy = author.Name;
        }

        db.ChangeRequests.Add(request);
        await db.SaveOrConflictAsync(Entity, feature.Name, cancellationToken);
        AuditTrail.Record(db, author.Name, clock, new AuditChange(AuditAction.Created, Entity, request.Id, $"#{request.Id} {request.Title} ({feature.Name} in {environment.Name})",
            new AuditScope(environment.Project!.OrganisationId, environment.ProjectId, environmentId))
        {
            After = AuditSnapshot(request, "created"),
            WebhookEvent = WebhookEventKind.ChangeRequestCreated,
        });

        await db.SaveChangesAsync(cancellationToken);
        return request.Id;
    }

    /// <summary>
    /// An environment's change requests, those waiting for a person first (open, then schedules flagged as
    /// conflicts), then scheduled ones, then done ones; newest first within each.
    /// </summary>
    public async Task<IReadOnlyList<ChangeRequestSummary>> ListAsync(int environmentId, bool includeDone = false, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var requests = await db.ChangeRequests.AsNoTracking().Include(r => r.Feature).Include(r => r.Environment).Include(r => r.Approvals)
            .Where(r => r.EnvironmentId == environmentId && (includeDone || r.Status == ChangeRequestStatus.Open || r.Status == ChangeRequestStatus.Scheduled || r.Status == ChangeRequestStatus.Conflict))
            // The status is stored as its name: ordering by it would be alphabetical (Closed, Committed, Conflict, Open...).
            .OrderBy(r => r.Status == ChangeRequestStatus.Open ? 0
                : r.Status == ChangeRequestStatus.Conflict ? 1
                : r.Status == ChangeRequestStatus.Scheduled ? 2
                : 3)
            .ThenByDescending(r => r.Id)
            .Take(500)
            .ToListAsync(cancellationToken);
        var live = await db.FeatureVersions.AsNoTracking().Where(v => v.EnvironmentId == environmentId)
            .GroupBy(v => v.FeatureId).Select(g => new { FeatureId = g.Key, Number = g.Max(v => v.Number) })
            .ToDictionaryAsync(v => v.FeatureId, v => (int?)v.Number, cancellationToken);
        return requests.Select(r => Summary(r, live.GetValueOrDefault(r.FeatureId))).ToList();
    }

    /// <summary>
    /// A feature's pending schedules in the given environments, those the subject may see: scheduled, flagged as
    /// conflicts, or open with a time; soonest first.
    /// </summary>
    public async Task<IReadOnlyList<ChangeRequestSummary>> ListSchedulesOfFeatureAsync(int featureId, IReadOnlyCollection<int> environmentIds, CancellationToken cancellationToken = default)
    {
        var feature = await access.RequireAsync(Permission.Read, OwnedResource.Feature, featureId, cancellationToken);
        // The rule ListAsync applies, decided here once for all the environments rather than once per environment.
        var rights = await access.RightsAsync(cancellationToken);
        var visible = environmentIds.Where(id => rights.Allows(Permission.Read, feature with { EnvironmentId = id })).ToList();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var requests = await db.ChangeRequests.AsNoTracking().Include(r => r.Feature).Include(r => r.Environment).Include(r => r.Approvals)
            .Where(r => r.FeatureId == featureId && visible.Contains(r.EnvironmentId)
                && (r.Status == ChangeRequestStatus.Scheduled || r.Status == ChangeRequestStatus.Conflict || (r.Status == ChangeRequestStatus.Open && r.ScheduledFor != null)))
            .OrderBy(r => r.ScheduledFor).ThenBy(r => r.Id)
            .Take(500)
            .ToListAsync(cancellationToken);
        var live = await db.FeatureVersions.AsNoTracking().Where(v => v.FeatureId == featureId && visible.Contains(v.EnvironmentId))
            .GroupBy(v => v.EnvironmentId).Select(g => new { EnvironmentId = g.Key, Number = g.Max(v => v.Number) })
            .ToDictionaryAsync(v => v.EnvironmentId, v => (int?)v.Number, cancellationToken);
        return requests.Select(r => Summary(r, live.GetValueOrDefault(r.EnvironmentId))).ToList();
    }

    public async Task<ChangeRequestDetail> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await RequireAsync(Permission.Read, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    /// <summary>Approves a request; refused for its author, for a request no longer open, and twice by one person.</summary>
    public async Task<ChangeRequestDetail> ApproveAsync(int id, CancellationToken cancellationToken = default)
    {
        var scope = await ScopeAsync(id, cancellationToken);
        var rights = await access.RightsAsync(cancellationToken);
        // Anyone who may change states in the environment reviews others' requests; committing is for Admins and Owners.
        if (!rights.Allows(Permission.ChangeStates, scope) && !rights.Allows(Permission.ApproveChanges, scope))
        {
            throw new ForbiddenException(Entity, id, Permission.ChangeStates, rights.Allows(Permission.Read, scope));
        }

        var subject = await access.SubjectAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var request = await LoadAsync(db, id, cancellationToken);
        RequireOpen(request);
        var key = SubjectKey(subject);
        if (request.AuthorKey == key)
        {
            throw new ValidationException("approver", "The author of a change request cannot approve it; another person must.");
        }

        if (request.Approvals.Any(a => a.ApproverKey == key))
        {
            throw new ValidationException("approver", "You have already approved this change request.");
        }

        request.Approvals.Add(new ChangeRequestApproval { Approver = subject.Name, ApproverKey = key, At = clock.GetUtcNow() });
        db.Entry(request).Property(r => r.Version).IsModified = true;
        Audit(db, subject.Name, request, "approved");
        await db.SaveOrConflictAsync(Entity, id, cancellationToken, uniqueField: "approver");
        await transaction.CommitAsync(cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    /// <summary>Makes the proposed states live as a new version, once enough approvals are in and nothing changed since the base version.</summary>
    public Task<ChangeRequestDetail> CommitAsync(int id, CancellationToken cancellationToken = default) => CommitAsync(id, null, cancellationToken);

    /// <summary>
    /// Commits now, or, when <paramref name="scheduledFor"/> (or the time the request was opened with) is in the
    /// future, schedules it: the scheduler commits it then, unless the feature changed meanwhile.
    /// </summary>
    public async Task<ChangeRequestDetail> CommitAsync(int id, DateTimeOffset? scheduledFor, CancellationToken cancellationToken = default)
    {
        ScheduledChanges.ValidateTime(scheduledFor, clock);
        await RequireAsync(Permission.ApproveChanges, id, cancellationToken);
        var actor = await actors.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var request = await LoadAsync(db, id, cancellationToken);
        RequireOpen(request);
        var required = request.Environment!.RequiredApprovals;
        if (request.Approvals.Count < required)
        {
            throw new ValidationException("approvals", $"This change request has {request.Approvals.Count} of the {required} approvals it needs.");
        }

        var live = await FeatureVersionService.LiveNumberAsync(db, request.FeatureId, request.EnvironmentId, cancellationToken);
        if (live != request.BaseVersion)
        {
            throw new ValidationException("baseVersion", $"The feature changed here since this request was made (version {request.BaseVersion} then, {live} now): rebase it on the live version first.");
        }

        if ((scheduledFor ?? request.ScheduledFor) is { } at && at > clock.GetUtcNow())
        {
            request.Status = ChangeRequestStatus.Scheduled;
            request.ScheduledFor = at.ToUniversalTime();
            request.ScheduledBy = actor;
            Audit(db, actor, request, "scheduled");
            await db.SaveOrConflictAsync(Entity, id, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return await DetailAsync(db, id, cancellationToken);
        }

        await ApplyAsync(db, request, actor, live, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    /// <summary>
    /// Makes a request's proposed states live as a new version in the caller's transaction, with its audit
    /// entries and webhooks: the one commit path of a person's commit and the scheduler's.
    /// </summary>
    internal static async Task ApplyAsync(FlagDashboardDbContext db, ChangeRequest request, string actor, int? live, TimeProvider clock, CancellationToken cancellationToken)
    {
        var id = request.Id;
        var (featureId, environmentId) = (request.FeatureId, request.EnvironmentId);
        await FeatureVersions.BaselineAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, clock, cancellationToken);
        request.Status = ChangeRequestStatus.Committed;
        request.ClosedBy = actor;
        request.ClosedAt = clock.GetUtcNow();
        Audit(db, actor, request, "committed", clock);
        // The flag itself changes too: receivers that follow flags (FLAG_UPDATED) hear of it as of any other change.
        await FeatureVersionService.ReplaceLiveStatesAsync(db, actor, featureId, request.Feature!.Name, request.Environment!, Versions.StatesSnapshot.FromJson(request.Proposed),
            $"change request #{id} committed", clock, cancellationToken);
        await db.SaveAndTouchAsync(Entity, id, e => e.Id == environmentId, clock, cancellationToken);
        var added = await FeatureVersions.RecordAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, actor,
            $"Change request #{id}: {request.Title}", clock, cancellationToken);
        request.CommittedVersion = added.Count > 0 ? added[0].Number : live;
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Re-makes the request on the live version: what it proposes stays, the base becomes the live version, and approvals start again.</summary>
    public async Task<ChangeRequestDetail> RebaseAsync(int id, CancellationToken cancellationToken = default)
    {
        await RequireAsync(Permission.ChangeStates, id, cancellationToken);
        var actor = await actors.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var request = await LoadAsync(db, id, cancellationToken);
        RequireOpen(request, ChangeRequestStatus.Conflict);
        // A conflicting schedule goes back to waiting for approvals; its time has passed.
        request.Status = ChangeRequestStatus.Open;
        request.ScheduledFor = null;
        request.BaseVersion = await FeatureVersionService.LiveNumberAsync(db, request.FeatureId, request.EnvironmentId, cancellationToken);
        db.ChangeRequestApprovals.RemoveRange(request.Approvals);
        db.Entry(request).Property(r => r.Version).IsModified = true;
        Audit(db, actor, request, "rebased");
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    /// <summary>Closes an open request without applying it, or cancels a schedule.</summary>
    public async Task<ChangeRequestDetail> CloseAsync(int id, CancellationToken cancellationToken = default)
    {
        await RequireAsync(Permission.ChangeStates, id, cancellationToken);
        var actor = await actors.GetActorAsync();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var request = await LoadAsync(db, id, cancellationToken);
        RequireOpen(request, ChangeRequestStatus.Scheduled, ChangeRequestStatus.Conflict);
        request.Status = ChangeRequestStatus.Closed;
        request.ClosedBy = actor;
        request.ClosedAt = clock.GetUtcNow();
        Audit(db, actor, request, "closed");
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
        return await DetailAsync(db, id, cancellationToken);
    }

    /// <summary>Who acted, as a key that tells two people (or keys) apart even when their names match.</summary>
    public static string SubjectKey(AccessSubject subject) => subject switch
    {
        AccessSubject.Person person => $"person:{person.UserId}",
        AccessSubject.ApiKey key => $"api-key:{key.KeyId}",
        AccessSubject.Operator op => $"operator:{op.OperatorName}",
        _ => "anonymous",
    };

    internal static void ValidateProposal(StatesSnapshot proposed, IReadOnlySet<int> optionIds)
    {
        var validation = new Validation()
            .Check(Parses(proposed.Value) && proposed.SegmentOverrides.All(o => Parses(o.Value)), "proposed", "Each value is a JSON string, number, boolean or null.")
            .Check(proposed.Weights.Concat(proposed.SegmentOverrides.SelectMany(o => o.Weights)).All(w => optionIds.Contains(w.OptionId)), "proposed", "A weight names an option this feature does not have.")
            .Check(proposed.SegmentOverrides.Select(o => o.SegmentId).Distinct().Count() == proposed.SegmentOverrides.Count, "proposed", "A segment is overridden twice.");
        validation.ThrowIfInvalid();
        Flags.FeatureService.ValidateWeights(proposed.Weights.Select(w => w.Percentage), "proposed");
        foreach (var segmentOverride in proposed.SegmentOverrides)
        {
            Flags.FeatureService.ValidateWeights(segmentOverride.Weights.Select(w => w.Percentage), "proposed");
        }
    }

    private static bool Parses(string json)
    {
        try
        {
            _ = Flags.FlagValue.FromJson(json);
            return json.Length <= FieldLimits.Value + 2;
        }
        catch (Exception exception) when (exception is FormatException or System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private async Task<ResourceScope> ScopeAsync(int id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ChangeRequests.AsNoTracking().Where(r => r.Id == id)
            .Select(r => (ResourceScope?)new ResourceScope(r.Environment!.Project!.OrganisationId, r.Environment.ProjectId, r.EnvironmentId))
            .SingleOrDefaultAsync(cancellationToken) ?? throw new NotFoundException(Entity, id);
    }

    private async Task<ResourceScope> RequireAsync(Permission permission, int id, CancellationToken cancellationToken)
    {
        var scope = await ScopeAsync(id, cancellationToken);
        await access.RequireAsync(permission, scope, OwnedResource.Environment, scope.EnvironmentId!.Value, cancellationToken);
        return scope;
    }

    private static void RequireOpen(ChangeRequest request, params ChangeRequestStatus[] alsoAllowed)
    {
        if (request.Status != ChangeRequestStatus.Open && !alsoAllowed.Contains(request.Status))
        {
            throw new ValidationException("status", $"This change request is {request.Status.ToString().ToLowerInvariant()}.");
        }
    }

    private static async Task<ChangeRequest> LoadAsync(FlagDashboardDbContext db, int id, CancellationToken cancellationToken) =>
        await db.ChangeRequests.Include(r => r.Approvals).Include(r => r.Feature).Include(r => r.Environment).ThenInclude(e => e!.Project)
            .SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);

    private void Audit(FlagDashboardDbContext db, string actor, ChangeRequest request, string what) => Audit(db, actor, request, what, clock);

    internal static void Audit(FlagDashboardDbContext db, string actor, ChangeRequest request, string what, TimeProvider clock) =>
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, Entity, request.Id, $"#{request.Id} {request.Title} ({request.Feature!.Name} in {request.Environment!.Name})",
            new AuditScope(request.Environment.Project!.OrganisationId, request.Environment.ProjectId, request.EnvironmentId))
        {
            After = AuditSnapshot(request, what),
            WebhookEvent = what switch
            {
                "approved" => WebhookEventKind.ChangeRequestApproved,
                "committed" => WebhookEventKind.ChangeRequestCommitted,
                _ => null,
            },
        });

    private static object AuditSnapshot(ChangeRequest request, string what) => new
    {
        Event = what,
        request.Title,
        Status = request.Status.ToString(),
        request.BaseVersion,
        Approvals = request.Approvals.Select(a => a.Approver).ToList(),
        request.CommittedVersion,
        request.ScheduledFor,
    };

    private static async Task<ChangeRequestDetail> DetailAsync(FlagDashboardDbContext db, int id, CancellationToken cancellationToken)
    {
        var request = await db.ChangeRequests.AsNoTracking().Include(r => r.Approvals).Include(r => r.Feature).Include(r => r.Environment)
            .SingleOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        var live = await FeatureVersionService.LiveNumberAsync(db, request.FeatureId, request.EnvironmentId, cancellationToken);
        var liveStates = await FeatureVersionService.SnapshotAsync(db, request.FeatureId, request.EnvironmentId, cancellationToken);
        return new ChangeRequestDetail(
            Summary(request, live),
            request.Description,
            request.Reviewers,
            request.Approvals.OrderBy(a => a.At).Select(a => new ApprovalView(a.Approver, a.At)).ToList(),
            request.BaseVersion,
            live,
            StatesSnapshot.FromJson(request.Proposed),
            liveStates,
            request.ClosedBy,
            request.ClosedAt,
            request.CommittedVersion);
    }

    private static ChangeRequestSummary Summary(ChangeRequest r, int? live) => new(
        r.Id, r.FeatureId, r.Feature!.Name, r.EnvironmentId, r.Title, r.Author, r.CreatedAt, r.Status, r.Approvals.Count, r.Environment!.RequiredApprovals,
        (r.Status == ChangeRequestStatus.Open && live != r.BaseVersion) || r.Status == ChangeRequestStatus.Conflict, r.Version, r.ScheduledFor);
}
