using System.Globalization;
using System.Text;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage.Embedded;

/// <summary>
/// Usage in the app's own database: the 1-minute, 15-minute and 1-hour windows as rows, each written by
/// an upsert that adds to what is there, so two flushes or two instances for one window add up.
/// </summary>
public sealed class EmbeddedUsageStore(IDbContextFactory<FlagDashboardDbContext> dbFactory, IOptions<UsageOptions> options, TimeProvider clock) : IUsageStore
{
    private const int RowsPerStatement = 100;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public TimeSpan Retention(UsageWindow window) => options.Value.Retention.For(window);

    public async Task WriteAsync(IReadOnlyList<UsageBatch> batches, CancellationToken cancellationToken)
    {
        var apiCalls = new Dictionary<(UsageWindow, DateTimeOffset, ApiCall), long>();
        var evaluations = new Dictionary<(UsageWindow, DateTimeOffset, EvaluationKey), long>();
        foreach (var batch in batches)
        {
            foreach (var window in UsageWindows.All)
            {
                var start = window.Floor(batch.Minute);
                foreach (var (call, count) in batch.ApiCalls)
                {
                    var key = (window, start, call);
                    apiCalls[key] = apiCalls.GetValueOrDefault(key) + count;
                }

                foreach (var (evaluation, count) in batch.Evaluations)
                {
                    var key = (window, start, evaluation);
                    evaluations[key] = evaluations.GetValueOrDefault(key) + count;
                }
            }
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        // Times are kept as UTC ticks on both providers (see the context's conventions).
        Func<DateTimeOffset, object> time = start => start.UtcTicks;
        foreach (var chunk in apiCalls.Chunk(RowsPerStatement))
        {
            await UpsertAsync(db, "UsageApiCalls", ["Resource", "StatusClass"], chunk.Select(row => new object[]
            {
                (int)row.Key.Item1, time(row.Key.Item2), row.Key.Item3.OrganisationId ?? 0, row.Key.Item3.ProjectId ?? 0,
                row.Key.Item3.EnvironmentId ?? 0, row.Key.Item3.Resource.ResourceTag(), row.Key.Item3.StatusClass, row.Value,
            }).ToList(), cancellationToken);
        }

        foreach (var chunk in evaluations.Chunk(RowsPerStatement))
        {
            await UpsertAsync(db, "UsageEvaluations", ["Feature"], chunk.Select(row => new object[]
            {
                (int)row.Key.Item1, time(row.Key.Item2), row.Key.Item3.OrganisationId, row.Key.Item3.ProjectId,
                row.Key.Item3.EnvironmentId, row.Key.Item3.FeatureName, row.Value,
            }).ToList(), cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<UsageLine>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = query.Metric == UsageMetric.ApiCalls
            ? await ApiCallRowsAsync(db, query, cancellationToken)
            : await EvaluationRowsAsync(db, query, cancellationToken);
        return UsageGrid.Lines(query, rows);
    }

    /// <summary>Deletes each window's rows older than its retention.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var retention = options.Value.Retention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deleted = 0;
        foreach (var window in UsageWindows.All)
        {
            var cutoff = now - retention.For(window);
            deleted += await db.UsageApiCalls.Where(c => c.Window == window && c.WindowStart < cutoff).ExecuteDeleteAsync(cancellationToken);
            deleted += await db.UsageEvaluations.Where(c => c.Window == window && c.WindowStart < cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        return deleted;
    }

    private static async Task<List<UsageGrid.Row>> ApiCallRowsAsync(FlagDashboardDbContext db, UsageQuery query, CancellationToken cancellationToken)
    {
        var rows = db.UsageApiCalls.AsNoTracking().Where(c => c.Window == query.Window && c.OrganisationId == query.OrganisationId
            && c.WindowStart >= query.From && c.WindowStart < query.To);
        if (query.ProjectId is { } projectId) rows = rows.Where(c => c.ProjectId == projectId);
        if (query.EnvironmentId is { } environmentId) rows = rows.Where(c => c.EnvironmentId == environmentId);
        return query.Grouping switch
        {
            UsageGrouping.Resource => await rows.GroupBy(c => new { c.WindowStart, c.Resource })
                .Select(g => new UsageGrid.Row(g.Key.WindowStart, g.Key.Resource, g.Sum(c => c.Count))).ToListAsync(cancellationToken),
            UsageGrouping.Status => (await rows.GroupBy(c => new { c.WindowStart, c.StatusClass })
                .Select(g => new { g.Key.WindowStart, g.Key.StatusClass, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken))
                .Select(r => new UsageGrid.Row(r.WindowStart, UsageWindows.StatusTag(r.StatusClass), r.Count)).ToList(),
            UsageGrouping.Environment => (await rows.GroupBy(c => new { c.WindowStart, c.EnvironmentId })
                .Select(g => new { g.Key.WindowStart, g.Key.EnvironmentId, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken))
                .Select(r => new UsageGrid.Row(r.WindowStart, EnvironmentKey(r.EnvironmentId), r.Count)).ToList(),
            UsageGrouping.None => await rows.GroupBy(c => c.WindowStart)
                .Select(g => new UsageGrid.Row(g.Key, UsageGrid.TotalKey, g.Sum(c => c.Count))).ToListAsync(cancellationToken),
            _ => throw new ValidationException("group", "API calls are grouped by resource, status, environment or none."),
        };
    }

    private static async Task<List<UsageGrid.Row>> EvaluationRowsAsync(FlagDashboardDbContext db, UsageQuery query, CancellationToken cancellationToken)
    {
        var rows = db.UsageEvaluations.AsNoTracking().Where(c => c.Window == query.Window && c.OrganisationId == query.OrganisationId
            && c.WindowStart >= query.From && c.WindowStart < query.To);
        if (query.ProjectId is { } projectId) rows = rows.Where(c => c.ProjectId == projectId);
        if (query.EnvironmentId is { } environmentId) rows = rows.Where(c => c.EnvironmentId == environmentId);
        if (query.FeatureName is { } feature) rows = rows.Where(c => c.Feature == feature);
        return query.Grouping switch
        {
            UsageGrouping.Feature => await rows.GroupBy(c => new { c.WindowStart, c.Feature })
                .Select(g => new UsageGrid.Row(g.Key.WindowStart, g.Key.Feature, g.Sum(c => c.Count))).ToListAsync(cancellationToken),
            UsageGrouping.Environment => (await rows.GroupBy(c => new { c.WindowStart, c.EnvironmentId })
                .Select(g => new { g.Key.WindowStart, g.Key.EnvironmentId, Count = g.Sum(c => c.Count) }).ToListAsync(cancellationToken))
                .Select(r => new UsageGrid.Row(r.WindowStart, EnvironmentKey(r.EnvironmentId), r.Count)).ToList(),
            UsageGrouping.None => await rows.GroupBy(c => c.WindowStart)
                .Select(g => new UsageGrid.Row(g.Key, UsageGrid.TotalKey, g.Sum(c => c.Count))).ToListAsync(cancellationToken),
            _ => throw new ValidationException("group", "Flag evaluations are grouped by feature, environment or none."),
        };
    }

    private static string EnvironmentKey(int environmentId) =>
        environmentId == 0 ? "unknown" : environmentId.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// INSERT … ON CONFLICT … DO UPDATE adding the counts: the same text on SQLite and PostgreSQL. Rows are
    /// (Window, WindowStart, OrganisationId, ProjectId, EnvironmentId, tag columns…, Count).
    /// </summary>
    private static Task<int> UpsertAsync(FlagDashboardDbContext db, string table, string[] tagColumns, IReadOnlyList<object[]> rows, CancellationToken cancellationToken)
    {
        string[] columns = ["Window", "WindowStart", "OrganisationId", "ProjectId", "EnvironmentId", .. tagColumns, "Count"];
        var sql = new StringBuilder($"INSERT INTO \"{table}\" ({string.Join(", ", columns.Select(c => $"\"{c}\""))}) VALUES ");
        var parameters = new List<object>(rows.Count * columns.Length);
        for (var i = 0; i < rows.Count; i++)
        {
            sql.Append(i == 0 ? "(" : ", (");
            for (var j = 0; j < columns.Length; j++)
            {
                sql.Append(j == 0 ? "" : ", ").Append('{').Append(parameters.Count).Append('}');
                parameters.Add(rows[i][j]);
            }

            sql.Append(')');
        }

        var key = string.Join(", ", columns[..^1].Select(c => $"\"{c}\""));
        sql.Append($" ON CONFLICT ({key}) DO UPDATE SET \"Count\" = \"{table}\".\"Count\" + excluded.\"Count\"");
        return db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
    }
}
