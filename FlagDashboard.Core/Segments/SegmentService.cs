using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Versions;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Segments;

public sealed class SegmentService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Segment";
    private const string OverrideEntity = "SegmentOverride";

    public async Task<IReadOnlyList<SegmentSummary>> ListAsync(int projectId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var segments = await db.Segments.AsNoTracking().Where(s => s.ProjectId == projectId).OrderBy(s => s.Name).ToListAsync(cancellationToken);
        return segments.Select(s => new SegmentSummary(s.Id, s.Name, s.Description, s.Rules.Count, s.Version, s.Rules)).ToList();
    }

    public async Task<Segment> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Segment, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Segments.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
    }

    public async Task<Segment> CreateAsync(int projectId, SegmentInput input, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Project, projectId, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException("Project", projectId);
        await EnsureNameFreeAsync(db, projectId, input.Name, null, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var segment = new Segment
        {
            ProjectId = projectId,
            Name = input.Name,
            Description = input.Description,
            Rules = input.Rules.ToList(),
            ExternalId = (await db.Segments.MaxAsync(s => (long?)s.ExternalId, cancellationToken) ?? 0) + 1,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Segments.Add(segment);
        await db.SaveOrConflictAsync(Entity, input.Name, cancellationToken);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, segment.Id, segment.Name, new AuditScope(project.OrganisationId, projectId))
        {
            After = Snapshot(segment),
        });
        await db.SaveAndTouchAsync(Entity, segment.Id, e => e.ProjectId == projectId, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return segment;
    }

    public async Task<Segment> UpdateAsync(int id, SegmentInput input, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Segment, id, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var segment = await db.Segments.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        await EnsureNameFreeAsync(db, segment.ProjectId, input.Name, id, cancellationToken);
        var before = Snapshot(segment);
        db.ExpectVersion(segment, expectedVersion);
        segment.Name = input.Name;
        segment.Description = input.Description;
        segment.Rules = input.Rules.ToList();
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, segment.Name, new AuditScope(segment.Project!.OrganisationId, segment.ProjectId))
        {
            Before = before,
            After = Snapshot(segment),
        });
        await db.SaveAndTouchAsync(Entity, id, e => e.ProjectId == segment.ProjectId, clock, cancellationToken);
        return segment;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Segment, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var segment = await db.Segments.Include(s => s.Project).SingleOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        // Its overrides go with it (cascade): each feature and environment that had one gets a version without it.
        var overridden = await db.FeatureStates.AsNoTracking().Where(s => s.SegmentId == id).Select(s => new { s.FeatureId, s.EnvironmentId }).Distinct().ToListAsync(cancellationToken);
        foreach (var pair in overridden)
        {
            await FeatureVersions.BaselineAsync(db, s => s.FeatureId == pair.FeatureId && s.EnvironmentId == pair.EnvironmentId, clock, cancellationToken);
        }

        db.Segments.Remove(segment);
        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Deleted, Entity, id, segment.Name, new AuditScope(segment.Project!.OrganisationId, segment.ProjectId))
        {
            Before = Snapshot(segment),
        });
        await db.SaveAndTouchAsync(Entity, id, e => e.ProjectId == segment.ProjectId, clock, cancellationToken);
        foreach (var pair in overridden)
        {
            await FeatureVersions.RecordAsync(db, s => s.FeatureId == pair.FeatureId && s.EnvironmentId == pair.EnvironmentId, actor, $"Segment {segment.Name} deleted with its override", clock, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>The segment overrides in an environment, optionally of one feature, in priority order.</summary>
    public async Task<IReadOnlyList<SegmentOverrideView>> ListOverridesAsync(int environmentId, int? featureId = null, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FeatureStates.AsNoTracking()
            .Where(s => s.EnvironmentId == environmentId && s.SegmentId != null && (featureId == null || s.FeatureId == featureId))
            .OrderBy(s => s.Feature!.Name).ThenBy(s => s.SegmentPriority).ThenBy(s => s.Id)
            .Select(s => new SegmentOverrideView(s.Id, s.SegmentId!.Value, s.Segment!.Name, s.FeatureId, s.Feature!.Name, s.SegmentPriority ?? 0, s.Enabled, s.Value, s.Version))
            .ToListAsync(cancellationToken);
    }

    /// <summary>A feature's segment overrides in every environment of its project, by environment id, each in priority order: one query for the feature page.</summary>
    public async Task<IReadOnlyDictionary<int, IReadOnlyList<SegmentOverrideView>>> ListOverridesOfFeatureAsync(int featureId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Feature, featureId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.FeatureStates.AsNoTracking()
            .Where(s => s.FeatureId == featureId && s.SegmentId != null)
            .OrderBy(s => s.EnvironmentId).ThenBy(s => s.SegmentPriority).ThenBy(s => s.Id)
            .Select(s => new { s.EnvironmentId, View = new SegmentOverrideView(s.Id, s.SegmentId!.Value, s.Segment!.Name, s.FeatureId, s.Feature!.Name, s.SegmentPriority ?? 0, s.Enabled, s.Value, s.Version) })
            .ToListAsync(cancellationToken);
        return rows.GroupBy(r => r.EnvironmentId).ToDictionary(g => g.Key, g => (IReadOnlyList<SegmentOverrideView>)[.. g.Select(r => r.View)]);
    }

    /// <summary>Overrides a feature for a segment in one environment; a new override goes last in priority.</summary>
    public async Task<FeatureState> CreateOverrideAsync(int environmentId, int featureId, int segmentId, bool enabled, FlagValue value, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Environment, environmentId, cancellationToken);
        new Validation().Value("value", value).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // On SQLite the transaction holds the write lock from the first read, so two overrides created at once get distinct priorities.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var environment = await db.Environments.Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken) ?? throw new NotFoundException("Environment", environmentId);
        var feature = await db.Features.Include(f => f.Options).SingleOrDefaultAsync(f => f.Id == featureId && f.ProjectId == environment.ProjectId, cancellationToken)
            ?? throw new ValidationException("featureId", $"Feature {featureId} is not in this environment's project.");
        var segment = await db.Segments.SingleOrDefaultAsync(s => s.Id == segmentId && s.ProjectId == environment.ProjectId, cancellationToken)
            ?? throw new ValidationException("segmentId", $"Segment {segmentId} is not in this environment's project.");
        if (await db.FeatureStates.AnyAsync(s => s.EnvironmentId == environmentId && s.FeatureId == featureId && s.SegmentId == segmentId, cancellationToken))
        {
            throw new ValidationException("segmentId", $"Segment '{segment.Name}' already overrides '{feature.Name}' in this environment.");
        }

        await FeatureVersions.BaselineAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, clock, cancellationToken);
        await ApprovalGate.ProposeIfRequiredAsync(db, environment, featureId, $"Override {feature.Name} for segment {segment.Name} in {environment.Name}",
            live => live with
            {
                SegmentOverrides = [.. live.SegmentOverrides, new SegmentOverrideSnapshot(segmentId, segment.Name, live.SegmentOverrides.Count, enabled, value.ToJson(), [])],
            },
            await access.SubjectAsync(), clock, cancellationToken);
        var lastPriority = await db.FeatureStates.Where(s => s.EnvironmentId == environmentId && s.FeatureId == featureId && s.SegmentId != null)
            .MaxAsync(s => s.SegmentPriority, cancellationToken);
        var now = clock.GetUtcNow();
        var state = new FeatureState
        {
            FeatureId = featureId,
            EnvironmentId = environmentId,
            SegmentId = segmentId,
            SegmentPriority = lastPriority is null ? 0 : lastPriority + 1,
            Enabled = enabled,
            Value = value,
            HashKey = FeatureStateFactory.NewHashKey(out var uuid),
            Uuid = uuid,
            UpdatedAt = now,
        };
        db.FeatureStates.Add(state);
        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Created, OverrideEntity, $"{segmentId}/{featureId}", $"{feature.Name} for segment {segment.Name} in {environment.Name}", new AuditScope(environment.Project!.OrganisationId, environment.ProjectId, environmentId))
        {
            After = FeatureService.StateSnapshot(state),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(OverrideEntity, segmentId, e => e.Id == environmentId, clock, cancellationToken, uniqueField: "segmentId");
        await FeatureVersions.RecordAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, actor, $"Segment override added for {segment.Name}", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    public async Task DeleteOverrideAsync(int stateId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.FeatureState, stateId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var state = await db.FeatureStates.Include(s => s.Feature).Include(s => s.Segment).Include(s => s.Identity).Include(s => s.Weights)
            .Include(s => s.Environment).ThenInclude(e => e!.Project)
            .SingleOrDefaultAsync(s => s.Id == stateId && s.SegmentId != null, cancellationToken) ?? throw new NotFoundException(OverrideEntity, stateId);
        var (featureId, environmentId) = (state.FeatureId, state.EnvironmentId);
        await FeatureVersions.BaselineAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, clock, cancellationToken);
        var segmentId = state.SegmentId!.Value;
        await ApprovalGate.ProposeIfRequiredAsync(db, state.Environment!, featureId, $"Remove the override of {FeatureService.StateName(state)}",
            live => live with { SegmentOverrides = live.SegmentOverrides.Where(o => o.SegmentId != segmentId).Select((o, i) => o with { Priority = i }).ToList() },
            await access.SubjectAsync(), clock, cancellationToken);
        db.FeatureStates.Remove(state);
        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Deleted, OverrideEntity, $"{state.SegmentId}/{state.FeatureId}", FeatureService.StateName(state), FeatureService.StateScope(state))
        {
            Before = FeatureService.StateSnapshot(state),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(OverrideEntity, stateId, e => e.Id == environmentId, clock, cancellationToken);
        await FeatureVersions.RecordAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, actor, $"Segment override removed for {state.Segment!.Name}", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Sets the priority order of a feature's segment overrides in an environment: first in the list wins.</summary>
    public async Task ReorderOverridesAsync(int environmentId, int featureId, IReadOnlyList<int> stateIdsInOrder, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var states = await db.FeatureStates.Include(s => s.Feature).Include(s => s.Environment).ThenInclude(e => e!.Project)
            .Where(s => s.EnvironmentId == environmentId && s.FeatureId == featureId && s.SegmentId != null).ToListAsync(cancellationToken);
        if (states.Count != stateIdsInOrder.Count || states.Any(s => !stateIdsInOrder.Contains(s.Id)))
        {
            throw new ValidationException("order", "List every segment override of this feature in this environment exactly once.");
        }

        if (states.Count == 0)
        {
            return;
        }

        await FeatureVersions.BaselineAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, clock, cancellationToken);
        var order = stateIdsInOrder.Select(id => states.Single(s => s.Id == id).SegmentId!.Value).ToList();
        await ApprovalGate.ProposeIfRequiredAsync(db, states[0].Environment!, featureId, $"Reorder the segment overrides of {states[0].Feature!.Name} in {states[0].Environment!.Name}",
            live => live with { SegmentOverrides = live.SegmentOverrides.OrderBy(o => order.IndexOf(o.SegmentId)).Select((o, i) => o with { Priority = i }).ToList() },
            await access.SubjectAsync(), clock, cancellationToken);
        var before = states.OrderBy(s => s.SegmentPriority).Select(s => new { s.SegmentId, s.SegmentPriority }).ToList();
        foreach (var state in states)
        {
            state.SegmentPriority = stateIdsInOrder.ToList().IndexOf(state.Id);
            state.UpdatedAt = clock.GetUtcNow();
        }

        var first = states[0];
        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, OverrideEntity, $"*/{featureId}", $"Override order of {first.Feature!.Name} in {first.Environment!.Name}", FeatureService.StateScope(first))
        {
            Before = before,
            After = states.OrderBy(s => s.SegmentPriority).Select(s => new { s.SegmentId, s.SegmentPriority }).ToList(),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(OverrideEntity, featureId, e => e.Id == environmentId, clock, cancellationToken);
        await FeatureVersions.RecordAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, actor, "Segment override order changed", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// What the engine answers an identity with these traits in an environment, as the SDK API would: the
    /// segments it matches and every flag with its reason. A stored identity with this identifier brings its overrides.
    /// </summary>
    public async Task<IdentityEvaluation> EvaluateIdentityAsync(int environmentId, string identifier, IReadOnlyDictionary<string, FlagValue> traits, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        Identities.IdentityService.ValidateIdentifier(identifier);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var data = await Sdk.EnvironmentContextMapper.LoadAsync(db, environmentId, cancellationToken) ?? throw new NotFoundException("Environment", environmentId);
        var overrides = await db.FeatureStates.AsNoTracking()
            .Where(s => s.EnvironmentId == environmentId && s.Identity!.Identifier == identifier)
            .Select(s => new { State = s, FeatureName = s.Feature!.Name })
            .ToListAsync(cancellationToken);
        var identity = new Engine.IdentityContext(identifier)
        {
            Traits = traits.Where(t => !t.Value.IsNone).ToDictionary(t => t.Key, t => Engine.FlagValueConversions.ToEngineValue(t.Value), StringComparer.Ordinal),
        };
        var compiled = Engine.CompiledEnvironment.Compile(data.Context, compileRegexes: false);
        // As SDKs get it: an organisation serving defaults only (over its allowance) applies no identity override.
        var result = compiled.Evaluate(identity, data.ServesDefaultsOnly ? null : overrides.Select(o => Sdk.EnvironmentContextMapper.IdentityOverride(o.State, o.FeatureName)).ToList());
        return new IdentityEvaluation(
            result.Segments.Select(s => s.Name).ToList(),
            result.Flags.Select(f => new EvaluatedFlag(f.Name, f.Enabled, f.Value.IsNull ? "null" : f.Value.ToJson(), f.Reason)).ToList());
    }

    private static void Validate(SegmentInput input)
    {
        var validation = new Validation().Name("name", input.Name).MaxLength("description", input.Description, FieldLimits.Description);
        foreach (var (field, messages) in RuleValidator.Validate(input.Rules))
        {
            foreach (var message in messages)
            {
                validation.Add(field, message);
            }
        }

        validation.ThrowIfInvalid();
    }

    private static async Task EnsureNameFreeAsync(FlagDashboardDbContext db, int projectId, string name, int? exceptId, CancellationToken cancellationToken)
    {
        if (await db.Segments.AnyAsync(s => s.ProjectId == projectId && s.Name == name && s.Id != exceptId, cancellationToken))
        {
            throw new ValidationException("name", $"This project already has a segment named '{name}'.");
        }
    }

    private static object Snapshot(Segment s) => new { s.Id, s.Name, s.Description, s.Rules };

    /// <summary>One page of a project's segments by name, with their rules, and how many there are in all.</summary>
    public async Task<(IReadOnlyList<Segment> Items, int TotalCount)> ListWithRulesAsync(int projectId, int skip, int take, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Segments.AsNoTracking().Where(s => s.ProjectId == projectId);
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(s => s.Name).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500)).ToListAsync(cancellationToken);
        return (items, total);
    }
}
