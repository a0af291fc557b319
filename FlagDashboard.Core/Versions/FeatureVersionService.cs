using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Versions;

/// <summary>A feature's version history in an environment: list, read, compare, and restore an old version as a new one.</summary>
public sealed class FeatureVersionService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock)
{
    internal const string Entity = "FeatureVersion";

    /// <summary>The versions of a feature in an environment, newest first.</summary>
    public async Task<IReadOnlyList<FeatureVersionSummary>> ListAsync(int featureId, int environmentId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureFeatureInEnvironmentAsync(db, featureId, environmentId, cancellationToken);
        var versions = await db.FeatureVersions.AsNoTracking()
            .Where(v => v.FeatureId == featureId && v.EnvironmentId == environmentId)
            .OrderByDescending(v => v.Number)
            .Select(v => new { v.Number, v.Author, v.CreatedAt, v.Comment })
            .ToListAsync(cancellationToken);
        return versions.Select((v, index) => new FeatureVersionSummary(v.Number, v.Author, v.CreatedAt, v.Comment, index == 0)).ToList();
    }

    public async Task<FeatureVersionDetail> GetAsync(int featureId, int environmentId, int number, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureFeatureInEnvironmentAsync(db, featureId, environmentId, cancellationToken);
        var version = await FindAsync(db, featureId, environmentId, number, cancellationToken);
        var live = await LiveNumberAsync(db, featureId, environmentId, cancellationToken);
        return Detail(version, live);
    }

    /// <summary>
    /// Makes an old version's states live again, as a new version. <paramref name="expectedLiveNumber"/>, when
    /// given, is the version the caller saw as live: if another change came since, the restore is refused.
    /// A segment override of a segment deleted since is left out.
    /// </summary>
    public async Task<FeatureVersionDetail> RestoreAsync(int featureId, int environmentId, int number, int? expectedLiveNumber = null, string? comment = null, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ChangeStates, OwnedResource.Environment, environmentId, cancellationToken);
        new Validation().MaxLength("comment", comment, FeatureVersions.CommentLength).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var (feature, environment) = await EnsureFeatureInEnvironmentAsync(db, featureId, environmentId, cancellationToken);
        var version = await FindAsync(db, featureId, environmentId, number, cancellationToken);
        var live = await LiveNumberAsync(db, featureId, environmentId, cancellationToken);
        if (expectedLiveNumber is { } expected && expected != live)
        {
            throw new ConcurrencyConflictException(Entity, $"{featureId}/{environmentId}");
        }

        var actor = await actors.GetActorAsync();
        await ReplaceLiveStatesAsync(db, actor, featureId, feature.Name, environment, StatesSnapshot.FromJson(version.Snapshot), $"version {number} restored", clock, cancellationToken);
        await db.SaveAndTouchAsync(Entity, featureId, e => e.Id == environmentId, clock, cancellationToken);
        var added = await FeatureVersions.RecordAsync(db, s => s.FeatureId == featureId && s.EnvironmentId == environmentId, actor,
            string.IsNullOrWhiteSpace(comment) ? $"Restored version {number}" : comment, clock, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        var newest = added.Count > 0 ? added[0] : await FindAsync(db, featureId, environmentId, live ?? number, cancellationToken);
        return Detail(newest, newest.Number);
    }

    /// <summary>
    /// Makes <paramref name="target"/> the live states of a feature in an environment, in the tracked context, with the
    /// audit entry of a flag change (so that FLAG_UPDATED goes out) holding the states before and after: the one path
    /// of a restore and of a committed change request. The caller saves and records the new version.
    /// </summary>
    internal static async Task ReplaceLiveStatesAsync(FlagDashboardDbContext db, string actor, int featureId, string featureName, Environments.ProjectEnvironment environment,
        StatesSnapshot target, string what, TimeProvider clock, CancellationToken cancellationToken)
    {
        var before = await SnapshotAsync(db, featureId, environment.Id, cancellationToken);
        await ApplyAsync(db, featureId, environment.Id, target, clock.GetUtcNow(), cancellationToken);
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, Entity, $"{featureId}/{environment.Id}", $"{featureName} in {environment.Name}, {what}",
            new AuditScope(environment.Project!.OrganisationId, environment.ProjectId, environment.Id))
        {
            Before = before,
            After = target,
            WebhookEvent = WebhookEventKind.FlagChanged,
        });
    }

    /// <summary>The live states of a feature in an environment as a snapshot; null when the feature has no state there.</summary>
    internal static async Task<StatesSnapshot?> SnapshotAsync(FlagDashboardDbContext db, int featureId, int environmentId, CancellationToken cancellationToken)
    {
        var states = await db.FeatureStates.AsNoTracking()
            .Include(s => s.Weights).ThenInclude(w => w.Option)
            .Include(s => s.Segment)
            .Where(s => s.FeatureId == featureId && s.EnvironmentId == environmentId && s.IdentityId == null)
            .ToListAsync(cancellationToken);
        var environmentDefault = states.FirstOrDefault(s => s.SegmentId is null);
        return environmentDefault is null ? null : StatesSnapshot.Of(environmentDefault, states.Where(s => s.SegmentId is not null));
    }

    internal static Task<int?> LiveNumberAsync(FlagDashboardDbContext db, int featureId, int environmentId, CancellationToken cancellationToken) =>
        db.FeatureVersions.Where(v => v.FeatureId == featureId && v.EnvironmentId == environmentId).MaxAsync(v => (int?)v.Number, cancellationToken);

    /// <summary>
    /// Sets the live states (default, segment overrides and their order, weights) to <paramref name="target"/>,
    /// in the tracked context; the caller saves. Options added since keep no share; segments deleted since are skipped.
    /// </summary>
    internal static async Task ApplyAsync(FlagDashboardDbContext db, int featureId, int environmentId, StatesSnapshot target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var feature = await db.Features.AsNoTracking().Include(f => f.Options).SingleAsync(f => f.Id == featureId, cancellationToken);
        var states = await db.FeatureStates.Include(s => s.Weights)
            .Where(s => s.FeatureId == featureId && s.EnvironmentId == environmentId && s.IdentityId == null)
            .ToListAsync(cancellationToken);
        var environmentDefault = states.SingleOrDefault(s => s.SegmentId is null) ?? throw new NotFoundException("FeatureState", $"{featureId}/{environmentId}");
        var nextWeightId = await FeatureStateFactory.NextWeightExternalIdAsync(db, cancellationToken);
        Set(environmentDefault, target.Enabled, target.FlagValue, target.Weights);

        var wanted = target.SegmentOverrides.Select(o => o.SegmentId).ToList();
        var existingSegments = await db.Segments.Where(s => s.ProjectId == feature.ProjectId && wanted.Contains(s.Id)).Select(s => s.Id).ToListAsync(cancellationToken);
        foreach (var state in states.Where(s => s.SegmentId is not null && !wanted.Contains(s.SegmentId.Value)))
        {
            db.FeatureStates.Remove(state);
        }

        foreach (var segmentOverride in target.SegmentOverrides.Where(o => existingSegments.Contains(o.SegmentId)))
        {
            var state = states.FirstOrDefault(s => s.SegmentId == segmentOverride.SegmentId);
            if (state is null)
            {
                state = new FeatureState
                {
                    FeatureId = featureId,
                    EnvironmentId = environmentId,
                    SegmentId = segmentOverride.SegmentId,
                    HashKey = FeatureStateFactory.NewHashKey(out var uuid),
                    Uuid = uuid,
                };
                db.FeatureStates.Add(state);
            }

            state.SegmentPriority = segmentOverride.Priority;
            Set(state, segmentOverride.Enabled, segmentOverride.FlagValue, segmentOverride.Weights);
        }

        void Set(FeatureState state, bool enabled, FlagValue value, IReadOnlyList<WeightSnapshot> weights)
        {
            state.Enabled = enabled;
            state.Value = value;
            state.UpdatedAt = now;
            foreach (var option in feature.Options)
            {
                var percentage = weights.FirstOrDefault(w => w.OptionId == option.Id)?.Percentage ?? 0;
                var weight = state.Weights.FirstOrDefault(w => w.OptionId == option.Id);
                if (weight is null)
                {
                    state.Weights.Add(new MultivariateWeight { OptionId = option.Id, Percentage = percentage, ExternalId = nextWeightId++ });
                }
                else
                {
                    weight.Percentage = percentage;
                }
            }

            FeatureService.ValidateWeights(state.Weights.Select(w => w.Percentage), "weights");
        }
    }

    private static async Task<(Feature Feature, Environments.ProjectEnvironment Environment)> EnsureFeatureInEnvironmentAsync(FlagDashboardDbContext db, int featureId, int environmentId, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken)
            ?? throw new NotFoundException("Environment", environmentId);
        var feature = await db.Features.AsNoTracking().SingleOrDefaultAsync(f => f.Id == featureId && f.ProjectId == environment.ProjectId, cancellationToken)
            ?? throw new NotFoundException("Feature", featureId);
        return (feature, environment);
    }

    private static async Task<FeatureVersion> FindAsync(FlagDashboardDbContext db, int featureId, int environmentId, int number, CancellationToken cancellationToken) =>
        await db.FeatureVersions.AsNoTracking().SingleOrDefaultAsync(v => v.FeatureId == featureId && v.EnvironmentId == environmentId && v.Number == number, cancellationToken)
        ?? throw new NotFoundException("Version", number);

    private static FeatureVersionDetail Detail(FeatureVersion version, int? live) => new(
        version.FeatureId,
        version.EnvironmentId,
        new FeatureVersionSummary(version.Number, version.Author, version.CreatedAt, version.Comment, version.Number == live),
        StatesSnapshot.FromJson(version.Snapshot));
}
