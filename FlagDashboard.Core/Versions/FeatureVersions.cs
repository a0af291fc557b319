using System.Linq.Expressions;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Versions;

/// <summary>
/// Records versions of features' states inside the transaction of the change that made them, so that every
/// path that changes states (dashboard, admin API, import, restore, change requests) leaves the same history.
/// </summary>
internal static class FeatureVersions
{
    public const int CommentLength = 500;

    /// <summary>
    /// Before a change: gives each feature and environment in <paramref name="states"/> that has no history yet a
    /// first version holding the states as they are, so that the change has something to be compared with.
    /// Only added to the context: the change's own save stores them.
    /// </summary>
    public static Task BaselineAsync(FlagDashboardDbContext db, Expression<Func<FeatureState, bool>> states, TimeProvider clock, CancellationToken cancellationToken) =>
        RecordAsync(db, states, "", "As it was when version history began", clock, cancellationToken, onlyWithoutHistory: true);

    /// <summary>
    /// After a change is saved, in its transaction: a new version for each feature and environment in
    /// <paramref name="states"/> whose states differ from its latest version. Returns the versions added.
    /// </summary>
    public static async Task<IReadOnlyList<FeatureVersion>> RecordAsync(
        FlagDashboardDbContext db,
        Expression<Func<FeatureState, bool>> states,
        string author,
        string? comment,
        TimeProvider clock,
        CancellationToken cancellationToken,
        bool onlyWithoutHistory = false)
    {
        var loaded = await db.FeatureStates.AsNoTracking()
            .Include(s => s.Weights).ThenInclude(w => w.Option)
            .Include(s => s.Segment)
            .Where(s => s.IdentityId == null)
            .Where(states)
            .ToListAsync(cancellationToken);
        var groups = loaded.GroupBy(s => (s.FeatureId, s.EnvironmentId)).ToList();
        if (groups.Count == 0)
        {
            return [];
        }

        var featureIds = groups.Select(g => g.Key.FeatureId).Distinct().ToList();
        var environmentIds = groups.Select(g => g.Key.EnvironmentId).Distinct().ToList();
        var latest = await db.FeatureVersions.AsNoTracking()
            .Where(v => featureIds.Contains(v.FeatureId) && environmentIds.Contains(v.EnvironmentId)
                && v.Number == db.FeatureVersions.Where(o => o.FeatureId == v.FeatureId && o.EnvironmentId == v.EnvironmentId).Max(o => o.Number))
            .Select(v => new { v.FeatureId, v.EnvironmentId, v.Number, v.Snapshot })
            .ToDictionaryAsync(v => (v.FeatureId, v.EnvironmentId), cancellationToken);

        var now = clock.GetUtcNow();
        var added = new List<FeatureVersion>();
        foreach (var group in groups)
        {
            var environmentDefault = group.FirstOrDefault(s => s.SegmentId is null);
            if (environmentDefault is null)
            {
                continue;
            }

            var previous = latest.GetValueOrDefault(group.Key);
            if (onlyWithoutHistory && previous is not null)
            {
                continue;
            }

            var snapshot = StatesSnapshot.Of(environmentDefault, group.Where(s => s.SegmentId is not null)).ToJson();
            if (previous?.Snapshot == snapshot)
            {
                continue;
            }

            var version = new FeatureVersion
            {
                FeatureId = group.Key.FeatureId,
                EnvironmentId = group.Key.EnvironmentId,
                Number = (previous?.Number ?? 0) + 1,
                Author = Fit(author, FieldLimits.Name),
                CreatedAt = onlyWithoutHistory ? environmentDefault.UpdatedAt : now,
                Comment = string.IsNullOrWhiteSpace(comment) ? null : Fit(comment.Trim(), CommentLength),
                Snapshot = snapshot,
            };
            db.FeatureVersions.Add(version);
            added.Add(version);
        }

        if (added.Count > 0 && !onlyWithoutHistory)
        {
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateException)
            {
                // Another change of the same feature took the number first (PostgreSQL, read committed).
                throw new ConcurrencyConflictException("Feature version", $"{added[0].FeatureId}/{added[0].EnvironmentId}");
            }
        }

        return added;
    }

    private static string Fit(string text, int length) => text.Length <= length ? text : string.Concat(text.AsSpan(0, length - 1), "…");
}
