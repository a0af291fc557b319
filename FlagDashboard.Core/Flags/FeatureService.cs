using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Versions;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Flags;

public sealed class FeatureService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    private const string Entity = "Feature";
    private const string StateEntity = "FeatureState";

    public async Task<IReadOnlyList<FeatureSummary>> ListAsync(int projectId, bool includeArchived = false, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var features = await db.Features.AsNoTracking()
            .Where(f => f.ProjectId == projectId && (includeArchived || !f.IsArchived))
            .OrderBy(f => f.Name).ToListAsync(cancellationToken);
        return features.Select(Summary).ToList();
    }

    public async Task<Feature> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Feature, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Features.AsNoTracking().Include(f => f.Options.OrderBy(o => o.Id))
            .SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
    }

    /// <summary>Every feature of the environment's project with its state there, for the features table.</summary>
    public async Task<IReadOnlyList<FeatureStateView>> ListStatesAsync(int environmentId, bool includeArchived = false, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var states = await db.FeatureStates.AsNoTracking()
            .Include(s => s.Feature)
            .Include(s => s.Weights).ThenInclude(w => w.Option)
            .Where(s => s.EnvironmentId == environmentId && s.SegmentId == null && s.IdentityId == null
                && (includeArchived || !s.Feature!.IsArchived))
            .ToListAsync(cancellationToken);
        return states.OrderBy(s => s.Feature!.Name, StringComparer.OrdinalIgnoreCase).Select(View).ToList();
    }

    /// <summary>Per feature, how many segment and identity overrides the environment has: a flag that reads "off" may be on for some.</summary>
    public async Task<IReadOnlyDictionary<int, OverrideCounts>> OverrideCountsAsync(int environmentId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var counts = await db.FeatureStates.AsNoTracking()
            .Where(s => s.EnvironmentId == environmentId && (s.SegmentId != null || s.IdentityId != null))
            .GroupBy(s => s.FeatureId)
            .Select(g => new { FeatureId = g.Key, Segments = g.Count(s => s.SegmentId != null), Identities = g.Count(s => s.IdentityId != null) })
            .ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.FeatureId, c => new OverrideCounts(c.Segments, c.Identities));
    }

    public async Task<Feature> CreateAsync(int projectId, FeatureInput input, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Project, projectId, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var project = await db.Projects.AsNoTracking().SingleOrDefaultAsync(p => p.Id == projectId, cancellationToken) ?? throw new NotFoundException("Project", projectId);
        await EnsureNameFreeAsync(db, projectId, input.Name, null, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var nextOptionId = await NextOptionExternalIdAsync(db, cancellationToken);
        var feature = new Feature
        {
            ProjectId = projectId,
            Name = input.Name,
            CreatedAt = now,
            Options = (input.Options ?? []).Select(o => new MultivariateOption { Value = o.Value, DefaultWeight = o.DefaultWeight, ExternalId = nextOptionId++ }).ToList(),
        };
        Apply(feature, input);
        db.Features.Add(feature);
        await db.SaveOrConflictAsync(Entity, input.Name, cancellationToken);

        var nextWeightId = await FeatureStateFactory.NextWeightExternalIdAsync(db, cancellationToken);
        var environmentIds = await db.Environments.Where(e => e.ProjectId == projectId).Select(e => e.Id).ToListAsync(cancellationToken);
        foreach (var environmentId in environmentIds)
        {
            db.FeatureStates.Add(FeatureStateFactory.NewDefault(feature, environmentId, now, ref nextWeightId));
        }

        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Created, Entity, feature.Id, feature.Name, new AuditScope(project.OrganisationId, projectId))
        {
            After = Snapshot(feature),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(Entity, feature.Id, e => e.ProjectId == projectId, clock, cancellationToken);
        var featureId = feature.Id;
        await FeatureVersions.RecordAsync(db, s => s.FeatureId == featureId, actor, "Created", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return feature;
    }

    /// <summary>
    /// Changes a feature's settings and options. A new option enters each environment with its default
    /// weight when that still fits under 100 %, otherwise with 0; a removed option leaves every state.
    /// </summary>
    public async Task<Feature> UpdateAsync(int id, FeatureInput input, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Feature, id, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var feature = await db.Features.Include(f => f.Options).Include(f => f.Project)
            .SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        await EnsureNameFreeAsync(db, feature.ProjectId, input.Name, id, cancellationToken);
        var unknown = (input.Options ?? []).Where(o => o.Id is not null && feature.Options.All(existing => existing.Id != o.Id)).ToList();
        if (unknown.Count > 0)
        {
            throw new ValidationException("options", $"Option {unknown[0].Id} is not an option of this feature.");
        }

        if ((input.Options ?? []).Where(o => o.Id is not null).GroupBy(o => o.Id).Any(g => g.Count() > 1))
        {
            throw new ValidationException("options", "An option appears twice.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Adding or removing options changes weights, so every environment may get a new version.
        await FeatureVersions.BaselineAsync(db, s => s.FeatureId == id, clock, cancellationToken);
        var before = Snapshot(feature);
        db.ExpectVersion(feature, expectedVersion);
        feature.Name = input.Name;
        Apply(feature, input);

        var kept = (input.Options ?? []).Where(o => o.Id is not null).ToDictionary(o => o.Id!.Value);
        foreach (var option in feature.Options.Where(o => !kept.ContainsKey(o.Id)).ToList())
        {
            feature.Options.Remove(option);
            db.MultivariateOptions.Remove(option);
        }

        foreach (var option in feature.Options)
        {
            option.Value = kept[option.Id].Value;
            option.DefaultWeight = kept[option.Id].DefaultWeight;
        }

        var added = (input.Options ?? []).Where(o => o.Id is null).ToList();
        if (added.Count > 0)
        {
            await AddOptionsAsync(db, feature, added, clock.GetUtcNow(), cancellationToken);
        }

        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, Entity, id, feature.Name, new AuditScope(feature.Project!.OrganisationId, feature.ProjectId))
        {
            Before = before,
            After = Snapshot(feature),
        });
        await db.SaveAndTouchAsync(Entity, id, e => e.ProjectId == feature.ProjectId, clock, cancellationToken);
        await FeatureVersions.RecordAsync(db, s => s.FeatureId == id, actor, "Options changed", clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return feature;
    }

    public async Task<Feature> SetArchivedAsync(int id, bool archived, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Feature, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var feature = await db.Features.Include(f => f.Project).SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        var before = Snapshot(feature);
        db.ExpectVersion(feature, expectedVersion);
        feature.IsArchived = archived;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, feature.Name, new AuditScope(feature.Project!.OrganisationId, feature.ProjectId))
        {
            Before = before,
            After = Snapshot(feature),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
        return feature;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.EditProject, OwnedResource.Feature, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var feature = await db.Features.Include(f => f.Project).SingleOrDefaultAsync(f => f.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
        db.Features.Remove(feature);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, Entity, id, feature.Name, new AuditScope(feature.Project!.OrganisationId, feature.ProjectId))
        {
            Before = Snapshot(feature),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(Entity, id, e => e.ProjectId == feature.ProjectId, clock, cancellationToken);
    }

    /// <summary>Switches a feature on or off and sets its value in one environment (or in one override).</summary>
    public async Task<FeatureState> UpdateStateAsync(int stateId, bool enabled, FlagValue value, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.FeatureState, stateId, cancellationToken);
        new Validation().Value("value", value).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var state = await LoadStateAsync(db, stateId, cancellationToken);
        await BaselineAsync(db, state, cancellationToken);
        var comment = state.Enabled == enabled ? "Value set" : enabled ? "Switched on" : "Switched off";
        if (state.IdentityId is null)
        {
            RequireVersion(state, expectedVersion);
            await ApprovalGate.ProposeIfRequiredAsync(db, state.Environment!, state.FeatureId, $"{comment}: {StateName(state)}",
                live => state.SegmentId is { } segmentId
                    ? ApprovalGate.WithOverride(live, segmentId, o => o with { Enabled = enabled, Value = value.ToJson() })
                    : live with { Enabled = enabled, Value = value.ToJson() },
                await access.SubjectAsync(), clock, cancellationToken);
        }

        var before = StateSnapshot(state);
        db.ExpectVersion(state, expectedVersion);
        state.Enabled = enabled;
        state.Value = value;
        state.UpdatedAt = clock.GetUtcNow();
        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, StateEntity, stateId, StateName(state), StateScope(state))
        {
            Before = before,
            After = StateSnapshot(state),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(StateEntity, stateId, e => e.Id == state.EnvironmentId, clock, cancellationToken);
        await RecordAsync(db, state, actor, state.Segment is null ? comment : $"{comment} for segment {state.Segment.Name}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    /// <summary>Sets the multivariate split of one state; the weights may add up to at most 100.</summary>
    public async Task<FeatureState> SetWeightsAsync(int stateId, IReadOnlyList<WeightInput> weights, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.FeatureState, stateId, cancellationToken);
        ValidateWeights(weights.Select(w => w.Percentage), "weights");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var state = await LoadStateAsync(db, stateId, cancellationToken);
        await BaselineAsync(db, state, cancellationToken);
        var optionIds = await db.MultivariateOptions.Where(o => o.FeatureId == state.FeatureId).Select(o => o.Id).ToListAsync(cancellationToken);
        var stranger = weights.FirstOrDefault(w => !optionIds.Contains(w.OptionId));
        if (stranger is not null)
        {
            throw new ValidationException("weights", $"Option {stranger.OptionId} is not an option of this feature.");
        }

        if (state.IdentityId is null)
        {
            RequireVersion(state, expectedVersion);
            var optionValues = await db.MultivariateOptions.AsNoTracking().Where(o => o.FeatureId == state.FeatureId)
                .ToDictionaryAsync(o => o.Id, o => o.Value.ToJson(), cancellationToken);
            List<WeightSnapshot> Merge(IReadOnlyList<WeightSnapshot> current) =>
                current.Where(w => weights.All(i => i.OptionId != w.OptionId))
                    .Concat(weights.Select(i => new WeightSnapshot(i.OptionId, optionValues[i.OptionId], i.Percentage)))
                    .OrderBy(w => w.OptionId).ToList();
            await ApprovalGate.ProposeIfRequiredAsync(db, state.Environment!, state.FeatureId, $"Weights set: {StateName(state)}",
                live => state.SegmentId is { } segmentId
                    ? ApprovalGate.WithOverride(live, segmentId, o => o with { Weights = Merge(o.Weights) })
                    : live with { Weights = Merge(live.Weights) },
                await access.SubjectAsync(), clock, cancellationToken);
        }

        var before = StateSnapshot(state);
        db.ExpectVersion(state, expectedVersion);
        var nextWeightId = await FeatureStateFactory.NextWeightExternalIdAsync(db, cancellationToken);
        foreach (var input in weights)
        {
            var weight = state.Weights.FirstOrDefault(w => w.OptionId == input.OptionId);
            if (weight is null)
            {
                state.Weights.Add(new MultivariateWeight { OptionId = input.OptionId, Percentage = input.Percentage, ExternalId = nextWeightId++ });
            }
            else
            {
                weight.Percentage = input.Percentage;
            }
        }

        // Options left out of the input keep their weights, so the limit holds for the state as a whole.
        ValidateWeights(state.Weights.Select(w => w.Percentage), "weights");

        state.UpdatedAt = clock.GetUtcNow();
        var actor = await actors.GetActorAsync();
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, StateEntity, stateId, StateName(state), StateScope(state))
        {
            Before = before,
            After = StateSnapshot(state),
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
        await db.SaveAndTouchAsync(StateEntity, stateId, e => e.Id == state.EnvironmentId, clock, cancellationToken);
        await RecordAsync(db, state, actor, state.Segment is null ? "Weights set" : $"Weights set for segment {state.Segment.Name}", cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return state;
    }

    /// <summary>The feature's default state in every environment of its project, in environment order.</summary>
    public async Task<IReadOnlyList<EnvironmentStateView>> ListEnvironmentStatesAsync(int featureId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Feature, featureId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (!await db.Features.AnyAsync(f => f.Id == featureId, cancellationToken))
        {
            throw new NotFoundException(Entity, featureId);
        }

        var states = await db.FeatureStates.AsNoTracking()
            .Include(s => s.Feature)
            .Include(s => s.Environment)
            .Include(s => s.Weights).ThenInclude(w => w.Option)
            .Where(s => s.FeatureId == featureId && s.SegmentId == null && s.IdentityId == null)
            .ToListAsync(cancellationToken);
        return states.OrderBy(s => s.EnvironmentId).Select(s => new EnvironmentStateView(s.EnvironmentId, s.Environment!.Name, View(s))).ToList();
    }

    /// <summary>The identities that override the feature, in any environment, by identifier; at most <paramref name="take"/> of them.</summary>
    public async Task<IReadOnlyList<FeatureIdentityOverrideView>> ListIdentityOverridesAsync(int featureId, int take = 200, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Feature, featureId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FeatureStates.AsNoTracking()
            .Where(s => s.FeatureId == featureId && s.IdentityId != null)
            .OrderBy(s => s.EnvironmentId).ThenBy(s => s.Identity!.Identifier)
            .Take(Math.Clamp(take, 1, 1000))
            .Select(s => new FeatureIdentityOverrideView(s.Id, s.EnvironmentId, s.IdentityId!.Value, s.Identity!.Identifier, s.Enabled, s.Value, s.Version))
            .ToListAsync(cancellationToken);
    }

    internal static void ValidateWeights(IEnumerable<double> percentages, string field)
    {
        var list = percentages.ToList();
        new Validation()
            .Check(list.All(p => p is >= 0 and <= 100 && double.IsFinite(p)), field, "Each weight is a percentage from 0 to 100.")
            .Check(list.Sum() <= 100 + 1e-9, field, $"The weights add up to {list.Sum():0.##} %; they may add up to at most 100 %.")
            .ThrowIfInvalid();
    }

    private static void Validate(FeatureInput input)
    {
        var validation = new Validation()
            .Name("name", input.Name, FieldLimits.FeatureName)
            .MaxLength("description", input.Description, FieldLimits.Description)
            .Check((input.Tags ?? []).All(t => !string.IsNullOrWhiteSpace(t) && t.Length <= FieldLimits.Tag), "tags", $"Each tag is 1 to {FieldLimits.Tag} characters.")
            .Check((input.Tags ?? []).Select(t => t?.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == (input.Tags ?? []).Count, "tags", "A tag appears twice.")
            .Text("tags", (input.Tags ?? []).FirstOrDefault(JsonText.HasNul))
            .Check((input.Options ?? []).All(o => !o.Value.IsNone), "options", "Each option needs a value.")
            // The same limit as any other value, so that a feature's own export imports again.
            .Check(OptionTexts(input).All(v => v.Length <= FieldLimits.Value), "options", $"Each option's value is at most {FieldLimits.Value} characters.")
            .Text("options", OptionTexts(input).FirstOrDefault(JsonText.HasNul))
            .Value("initialValue", input.InitialValue);
        validation.ThrowIfInvalid();
        ValidateWeights((input.Options ?? []).Select(o => o.DefaultWeight), "options");
    }

    private static IEnumerable<string> OptionTexts(FeatureInput input) =>
        (input.Options ?? []).Where(o => o.Value.Type == FlagValueType.String).Select(o => o.Value.AsString);

    private static void Apply(Feature feature, FeatureInput input)
    {
        feature.Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description;
        feature.Tags = (input.Tags ?? []).Select(t => t.Trim()).ToList();
        feature.DefaultEnabled = input.DefaultEnabled;
        feature.InitialValue = input.InitialValue;
        feature.Type = (input.Options ?? []).Count > 0 ? FeatureType.Multivariate : FeatureType.Standard;
    }

    private static async Task AddOptionsAsync(FlagDashboardDbContext db, Feature feature, IReadOnlyList<MultivariateOptionInput> added, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var nextOptionId = await NextOptionExternalIdAsync(db, cancellationToken);
        var options = added.Select(o => new MultivariateOption { Value = o.Value, DefaultWeight = o.DefaultWeight, ExternalId = nextOptionId++ }).ToList();
        feature.Options.AddRange(options);

        var nextWeightId = await FeatureStateFactory.NextWeightExternalIdAsync(db, cancellationToken);
        var states = await db.FeatureStates.Include(s => s.Weights).Where(s => s.FeatureId == feature.Id).ToListAsync(cancellationToken);
        foreach (var state in states)
        {
            foreach (var option in options)
            {
                // Weights of options removed in this update are still loaded; their share is free again.
                var room = 100 - state.Weights.Where(w => feature.Options.Any(o => o.Id == w.OptionId)).Sum(w => w.Percentage);
                var percentage = state.IsEnvironmentDefault && option.DefaultWeight <= room ? option.DefaultWeight : 0;
                state.Weights.Add(new MultivariateWeight { Option = option, Percentage = percentage, ExternalId = nextWeightId++ });
            }

            // A changed split is a change of the state: its version rises, so a concurrent edit of its weights conflicts.
            state.UpdatedAt = now;
        }
    }

    private static async Task<long> NextOptionExternalIdAsync(FlagDashboardDbContext db, CancellationToken cancellationToken) =>
        (await db.MultivariateOptions.MaxAsync(o => (long?)o.ExternalId, cancellationToken) ?? 0) + 1;

    private static async Task EnsureNameFreeAsync(FlagDashboardDbContext db, int projectId, string name, int? exceptId, CancellationToken cancellationToken)
    {
        if (await db.Features.AnyAsync(f => f.ProjectId == projectId && f.Name == name && f.Id != exceptId, cancellationToken))
        {
            throw new ValidationException("name", $"This project already has a feature named '{name}'.");
        }
    }

    // A proposal made from a stale read would be refused later anyway; refused now, like a direct change.
    private static void RequireVersion(FeatureState state, int expectedVersion)
    {
        if (state.Version != expectedVersion)
        {
            throw new ConcurrencyConflictException(StateEntity, state.Id);
        }
    }

    // An identity override belongs to its identity, not to the feature's versions.
    private Task BaselineAsync(FlagDashboardDbContext db, FeatureState state, CancellationToken cancellationToken) =>
        state.IdentityId is not null ? Task.CompletedTask
        : FeatureVersions.BaselineAsync(db, s => s.FeatureId == state.FeatureId && s.EnvironmentId == state.EnvironmentId, clock, cancellationToken);

    private Task RecordAsync(FlagDashboardDbContext db, FeatureState state, string actor, string comment, CancellationToken cancellationToken) =>
        state.IdentityId is not null ? Task.CompletedTask
        : FeatureVersions.RecordAsync(db, s => s.FeatureId == state.FeatureId && s.EnvironmentId == state.EnvironmentId, actor, comment, clock, cancellationToken);

    private static async Task<FeatureState> LoadStateAsync(FlagDashboardDbContext db, int stateId, CancellationToken cancellationToken) =>
        await db.FeatureStates
            .Include(s => s.Feature)
            .Include(s => s.Environment).ThenInclude(e => e!.Project)
            .Include(s => s.Segment)
            .Include(s => s.Identity)
            .Include(s => s.Weights)
            .SingleOrDefaultAsync(s => s.Id == stateId, cancellationToken) ?? throw new NotFoundException(StateEntity, stateId);

    internal static string StateName(FeatureState state) =>
        state.Segment is not null ? $"{state.Feature!.Name} for segment {state.Segment.Name} in {state.Environment!.Name}"
        : state.Identity is not null ? $"{state.Feature!.Name} for {state.Identity.Identifier} in {state.Environment!.Name}"
        : $"{state.Feature!.Name} in {state.Environment!.Name}";

    internal static AuditScope StateScope(FeatureState state) =>
        new(state.Environment!.Project!.OrganisationId, state.Environment.ProjectId, state.EnvironmentId);

    internal static object StateSnapshot(FeatureState s) => new
    {
        s.Enabled,
        Value = s.Value.ToJson(),
        s.SegmentPriority,
        Weights = s.Weights.OrderBy(w => w.OptionId).Select(w => new { w.OptionId, w.Percentage }).ToList(),
    };

    private static FeatureSummary Summary(Feature f) => new(f.Id, f.Name, f.Type, f.Description, f.Tags, f.IsArchived, f.Version);

    private static FeatureStateView View(FeatureState s) => new(
        Summary(s.Feature!), s.Id, s.Enabled, s.Value, s.Version, s.UpdatedAt,
        s.Weights.OrderBy(w => w.ExternalId).Select(w => new WeightView(w.OptionId, w.Option!.Value, w.Percentage)).ToList());

    private static object Snapshot(Feature f) => new
    {
        f.Id,
        f.Name,
        Type = f.Type.ToString(),
        f.Description,
        f.Tags,
        f.DefaultEnabled,
        InitialValue = f.InitialValue.ToJson(),
        f.IsArchived,
        Options = f.Options.Select(o => new { o.Id, Value = o.Value.ToJson(), o.DefaultWeight }).ToList(),
    };

    /// <summary>One state (environment default, segment or identity override) with its feature and weights.</summary>
    public async Task<FeatureState> GetStateAsync(int stateId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.FeatureState, stateId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.FeatureStates.AsNoTracking().Include(s => s.Feature).Include(s => s.Weights)
            .SingleOrDefaultAsync(s => s.Id == stateId, cancellationToken) ?? throw new NotFoundException(StateEntity, stateId);
    }

    /// <summary>One page of a project's features by name, with their options, and how many there are in all.</summary>
    public async Task<(IReadOnlyList<Feature> Items, int TotalCount)> ListWithOptionsAsync(int projectId, bool includeArchived, int skip, int take, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var query = db.Features.AsNoTracking().Where(f => f.ProjectId == projectId && (includeArchived || !f.IsArchived));
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderBy(f => f.Name).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500))
            .Include(f => f.Options.OrderBy(o => o.Id)).ToListAsync(cancellationToken);
        return (items, total);
    }
}
