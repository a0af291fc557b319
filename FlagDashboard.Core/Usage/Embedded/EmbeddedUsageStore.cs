using System.Data.Common;
using System.Globalization;
using System.Text;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage.Embedded;

/// <summary>
/// Usage in the app's own database. A flush writes 1-minute rows only (adding to what is there, so two
/// flushes or two instances add up) and queues the 15-minute, 1-hour and 1-day windows it touched; once a
/// window is closed it is rolled up once from the next finer window (recomputed whole, so a roll-up run
/// again gives the same sums). A late minute queues its windows again. Each batch is recorded in a ledger
/// in the same transaction as its counts, so a batch handed in again (a retry after a lost commit
/// acknowledgement) is skipped. Rows are written in key order, so writers never deadlock on PostgreSQL.
/// Charts read the window of their zoom, the part of it not rolled up yet from the finer windows.
/// </summary>
public sealed class EmbeddedUsageStore(IDbContextFactory<FlagDashboardDbContext> dbFactory, IOptions<UsageOptions> options, TimeProvider clock) : IUsageStore
{
    private const int RowsPerStatement = 100;
    private const int RollupsPerTransaction = 100;

    public Task InitializeAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public TimeSpan Retention(UsageWindow window) => options.Value.Retention.For(window);

    /// <summary>
    /// How long after its end a window is rolled up: a minute's counts reach the store within a flush
    /// interval of the minute's end. Later counts are not lost, they roll the window up again.
    /// </summary>
    private TimeSpan Grace => options.Value.FlushInterval + TimeSpan.FromSeconds(5);

    public async Task WriteAsync(IReadOnlyList<UsageBatch> batches, CancellationToken cancellationToken)
    {
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var ids = batches.Select(b => b.Id).ToList();
            var counted = (await db.UsageBatches.Where(b => ids.Contains(b.Id)).Select(b => b.Id).ToListAsync(cancellationToken)).ToHashSet();
            var fresh = batches.Where(b => !counted.Contains(b.Id) && (b.ApiCalls.Count > 0 || b.Evaluations.Count > 0)).DistinctBy(b => b.Id).ToList();
            if (fresh.Count > 0)
            {
                await WriteMinutesAsync(db, fresh, cancellationToken);
                var now = clock.GetUtcNow();
                db.UsageBatches.AddRange(fresh.Select(b => new UsageBatchRecord { Id = b.Id, Minute = b.Minute, WrittenAt = now }));
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
            }
        }

        await RollUpAsync(cancellationToken);
    }

    private static async Task WriteMinutesAsync(FlagDashboardDbContext db, List<UsageBatch> batches, CancellationToken cancellationToken)
    {
        var apiCalls = new Dictionary<(int, int, int, long, string, int), long>();
        var evaluations = new Dictionary<(int, int, int, long, int), long>();
        var projectEvaluations = new Dictionary<(int, int, long, int), long>();
        foreach (var batch in batches)
        {
            var minute = UsageWindow.OneMinute.Floor(batch.Minute).UtcTicks;
            foreach (var (call, count) in batch.ApiCalls)
            {
                var key = (call.OrganisationId ?? 0, call.ProjectId ?? 0, call.EnvironmentId ?? 0, minute, call.Resource.ResourceTag(), call.StatusClass);
                apiCalls[key] = apiCalls.GetValueOrDefault(key) + count;
            }

            foreach (var (evaluation, count) in batch.Evaluations)
            {
                var key = (evaluation.OrganisationId, evaluation.ProjectId, evaluation.EnvironmentId, minute, evaluation.FeatureId);
                evaluations[key] = evaluations.GetValueOrDefault(key) + count;
                var projectKey = (evaluation.OrganisationId, evaluation.ProjectId, minute, evaluation.FeatureId);
                projectEvaluations[projectKey] = projectEvaluations.GetValueOrDefault(projectKey) + count;
            }
        }

        // Every writer takes row locks in the tables' key order: two instances flushing the same keys wait
        // for each other instead of deadlocking.
        var oneMinute = (int)UsageWindow.OneMinute;
        foreach (var chunk in apiCalls.OrderBy(r => r.Key).Chunk(RowsPerStatement))
        {
            await UpsertAsync(db, "UsageApiCallCounts", ["OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "Resource", "StatusClass"],
                chunk.Select(r => new object[] { oneMinute, r.Key.Item1, r.Key.Item2, r.Key.Item3, r.Key.Item4, r.Key.Item5, r.Key.Item6, r.Value }).ToList(), cancellationToken);
        }

        foreach (var chunk in evaluations.OrderBy(r => r.Key).Chunk(RowsPerStatement))
        {
            await UpsertAsync(db, "UsageEvaluationCounts", ["OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "FeatureId"],
                chunk.Select(r => new object[] { oneMinute, r.Key.Item1, r.Key.Item2, r.Key.Item3, r.Key.Item4, r.Key.Item5, r.Value }).ToList(), cancellationToken);
        }

        foreach (var chunk in projectEvaluations.OrderBy(r => r.Key).Chunk(RowsPerStatement))
        {
            await UpsertAsync(db, "UsageProjectEvaluationCounts", ["OrganisationId", "ProjectId", "WindowStart", "FeatureId"],
                chunk.Select(r => new object[] { oneMinute, r.Key.Item1, r.Key.Item2, r.Key.Item3, r.Key.Item4, r.Value }).ToList(), cancellationToken);
        }

        var windows = batches.SelectMany(b => UsageWindows.All.Skip(1).Select(w => ((int)w, w.Floor(b.Minute).UtcTicks))).Distinct().Order().ToList();
        foreach (var chunk in windows.Chunk(RowsPerStatement))
        {
            var sql = new StringBuilder("INSERT INTO \"UsageRollups\" (\"Window\", \"WindowStart\") VALUES ");
            var parameters = new List<object>();
            foreach (var (window, start) in chunk)
            {
                sql.Append(parameters.Count == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"({{{parameters.Count}}}, {{{parameters.Count + 1}}})");
                parameters.Add(window);
                parameters.Add(start);
            }

            sql.Append(" ON CONFLICT DO NOTHING");
            await db.Database.ExecuteSqlRawAsync(sql.ToString(), parameters, cancellationToken);
        }
    }

    /// <summary>
    /// Rolls every closed window that is queued up from the next finer window, finest first (an hour reads
    /// its quarters once they are final). Instances sharing the database claim a window by deleting its
    /// queue row: the second one's delete waits for the first and then finds nothing to do.
    /// </summary>
    public async Task<int> RollUpAsync(CancellationToken cancellationToken)
    {
        var closed = clock.GetUtcNow() - Grace;
        var rolled = 0;
        foreach (var window in UsageWindows.All.Skip(1))
        {
            var source = (int)window.Source()!.Value;
            var length = window.Length().Ticks;
            var before = closed - window.Length();
            while (true)
            {
                await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
                var due = await db.UsageRollups.AsNoTracking().Where(r => r.Window == window && r.WindowStart <= before)
                    .OrderBy(r => r.WindowStart).Select(r => r.WindowStart).Take(RollupsPerTransaction).ToListAsync(cancellationToken);
                if (due.Count == 0)
                {
                    break;
                }

                await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                foreach (var start in due.Select(d => d.UtcTicks))
                {
                    if (await db.Database.ExecuteSqlRawAsync("DELETE FROM \"UsageRollups\" WHERE \"Window\" = {0} AND \"WindowStart\" = {1}", [(int)window, start], cancellationToken) == 0)
                    {
                        continue;
                    }

                    object[] parameters = [(int)window, start, source, start + length];
                    foreach (var (delete, insert) in RollupStatements)
                    {
                        await db.Database.ExecuteSqlRawAsync(delete, [(int)window, start], cancellationToken);
                        await db.Database.ExecuteSqlRawAsync(insert, parameters, cancellationToken);
                    }

                    rolled++;
                }

                await transaction.CommitAsync(cancellationToken);
                if (due.Count < RollupsPerTransaction)
                {
                    break;
                }
            }
        }

        return rolled;
    }

    /// <summary>Per count table: delete a window's rows ({0} window, {1} start), then sum them again from the finer window ({2}) up to {3}.</summary>
    private static readonly (string Delete, string Insert)[] RollupStatements =
    [
        .. new[]
        {
            ("UsageApiCallCounts", "\"OrganisationId\", \"ProjectId\", \"EnvironmentId\", \"Resource\", \"StatusClass\""),
            ("UsageEvaluationCounts", "\"OrganisationId\", \"ProjectId\", \"EnvironmentId\", \"FeatureId\""),
            ("UsageProjectEvaluationCounts", "\"OrganisationId\", \"ProjectId\", \"FeatureId\""),
        }.Select(t => (
            $"DELETE FROM \"{t.Item1}\" WHERE \"Window\" = {{0}} AND \"WindowStart\" = {{1}}",
            $"INSERT INTO \"{t.Item1}\" (\"Window\", \"WindowStart\", {t.Item2}, \"Count\") SELECT {{0}}, {{1}}, {t.Item2}, SUM(\"Count\") FROM \"{t.Item1}\" " +
            $"WHERE \"Window\" = {{2}} AND \"WindowStart\" >= {{1}} AND \"WindowStart\" < {{3}} GROUP BY {t.Item2}")),
    ];

    public async Task<IReadOnlyList<UsageLine>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var lines = new UsageGrid.Accumulator(query);
        var byKey = new Dictionary<long, UsageGrid.Accumulator.Line>();
        // One feature's few rows come through its index unpacked; packing them costs more than it saves.
        var shape = query.Grouping == UsageGrouping.Resource || query.FeatureId is not null ? Shape.Rows : Shape.PackedByWindowStart;
        await ReadAsync(query, shape, async reader =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var windowStart = reader.GetInt64(0);
                if (shape == Shape.Rows)
                {
                    var key = query.Grouping == UsageGrouping.Resource ? reader.GetString(1) : Key(query.Grouping, reader.GetInt32(1));
                    lines.Add(windowStart, key, reader.GetInt64(2));
                    continue;
                }

                var packed = reader.GetString(1).AsSpan();
                while (!packed.IsEmpty)
                {
                    var raw = ReadNumber(ref packed);
                    var count = ReadNumber(ref packed);
                    if (!byKey.TryGetValue(raw, out var line))
                    {
                        byKey[raw] = line = lines.For(Key(query.Grouping, (int)raw));
                    }

                    lines.Add(line, windowStart, count);
                }
            }
        }, cancellationToken);
        return lines.Lines();
    }

    /// <summary>The next number of "key:count,key:count", and the rest after its separator.</summary>
    private static long ReadNumber(ref ReadOnlySpan<char> text)
    {
        var value = 0L;
        var negative = text[0] == '-';
        var i = negative ? 1 : 0;
        for (; i < text.Length && char.IsAsciiDigit(text[i]); i++)
        {
            value = (value * 10) + (text[i] - '0');
        }

        text = i < text.Length ? text[(i + 1)..] : [];
        return negative ? -value : value;
    }

    public async Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var totals = new Dictionary<string, long>(StringComparer.Ordinal);
        await ReadAsync(query, Shape.TotalPerKey, async reader =>
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = query.Grouping == UsageGrouping.Resource ? reader.GetString(1) : Key(query.Grouping, reader.GetInt32(1));
                totals[key] = totals.GetValueOrDefault(key) + reader.GetInt64(2);
            }
        }, cancellationToken);
        return totals.Where(t => t.Value != 0).Select(t => new UsageTotal(t.Key, t.Value))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Key, StringComparer.Ordinal).ToList();
    }

    public async Task<IReadOnlyList<FeatureLastEvaluation>> LastEvaluationsAsync(int organisationId, int projectId, CancellationToken cancellationToken)
    {
        // The 1-minute window holds the latest days exactly, the 1-day window the rest of the history; the
        // hour window fills the gap when 1-minute counts are kept for less than two days.
        var windows = Retention(UsageWindow.OneMinute) >= TimeSpan.FromDays(2)
            ? new[] { UsageWindow.OneMinute, UsageWindow.OneDay }
            : [UsageWindow.OneMinute, UsageWindow.OneHour, UsageWindow.OneDay];
        var last = new Dictionary<(int, int), long>();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(cancellationToken);
        foreach (var window in windows)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"FeatureId\", \"EnvironmentId\", MAX(\"WindowStart\") FROM \"UsageEvaluationCounts\" " +
                "WHERE \"Window\" = @w AND \"OrganisationId\" = @o AND \"ProjectId\" = @p GROUP BY \"FeatureId\", \"EnvironmentId\"";
            AddParameter(command, "@w", (int)window);
            AddParameter(command, "@o", organisationId);
            AddParameter(command, "@p", projectId);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = (reader.GetInt32(0), reader.GetInt32(1));
                last[key] = Math.Max(last.GetValueOrDefault(key), reader.GetInt64(2));
            }
        }

        return last.Select(l => new FeatureLastEvaluation(l.Key.Item1, l.Key.Item2, new DateTimeOffset(l.Value, TimeSpan.Zero)))
            .OrderBy(l => l.FeatureId).ThenBy(l => l.EnvironmentId).ToList();
    }

    /// <summary>Rolls up what is due (no minute is deleted before its windows hold it), then deletes each window's rows older than its retention, and ledger entries no retry can come back for.</summary>
    public async Task<int> PruneAsync(CancellationToken cancellationToken)
    {
        await RollUpAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var retention = options.Value.Retention;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var deleted = 0;
        foreach (var window in UsageWindows.All)
        {
            var cutoff = now - retention.For(window);
            deleted += await db.UsageApiCalls.Where(c => c.Window == window && c.WindowStart < cutoff).ExecuteDeleteAsync(cancellationToken);
            deleted += await db.UsageEvaluations.Where(c => c.Window == window && c.WindowStart < cutoff).ExecuteDeleteAsync(cancellationToken);
            deleted += await db.UsageProjectEvaluations.Where(c => c.Window == window && c.WindowStart < cutoff).ExecuteDeleteAsync(cancellationToken);
        }

        var ledgerCutoff = now - TimeSpan.FromDays(7);
        await db.UsageBatches.Where(b => b.WrittenAt < ledgerCutoff).ExecuteDeleteAsync(cancellationToken);
        return deleted;
    }

    /// <summary>What a read returns per row.</summary>
    private enum Shape
    {
        /// <summary>(window start, key, count) per window and key.</summary>
        Rows,

        /// <summary>
        /// (window start, "key:count,key:count…") per window start. Reading 100k rows through ADO.NET costs
        /// more than the 50 ms a chart has, and summing them per step in SQL sorts them (SQLite groups by an
        /// expression in a temporary B-tree): grouped by window start, the primary key's own order, SQLite
        /// reads them in one pass and hands back one row per window.
        /// </summary>
        PackedByWindowStart,

        /// <summary>(0, key, sum) per key over the whole range.</summary>
        TotalPerKey,
    }

    /// <summary>
    /// Reads the query's rows in the given shape. The part of the range the query's window has not been rolled
    /// up for yet is read from the finer windows, down to 1 minute, so the last, unfinished step is live.
    /// </summary>
    private async Task ReadAsync(UsageQuery query, Shape shape, Func<DbDataReader, Task> read, CancellationToken cancellationToken)
    {
        var (table, keyColumn) = Source(query);
        var settled = clock.GetUtcNow() - (2 * options.Value.FlushInterval) - Grace;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var connection = db.Database.GetDbConnection();
        var concatenate = db.Database.IsSqlite() ? "group_concat" : "string_agg";
        await db.Database.OpenConnectionAsync(cancellationToken);
        var from = query.From;
        for (UsageWindow? window = query.Window; window is { } current && from < query.To; window = current.Source())
        {
            // Windows before this one are rolled up; the rest comes from the next finer window.
            var to = current == UsageWindow.OneMinute ? query.To : Min(query.To, current.Floor(settled));
            if (to > from)
            {
                await using var command = Command(connection, query, table, keyColumn, current, from, to, shape, concatenate);
                await using var reader = await command.ExecuteReaderAsync(cancellationToken);
                await read(reader);
                from = to;
            }
        }
    }

    private static DbCommand Command(DbConnection connection, UsageQuery query, string table, string? keyColumn, UsageWindow window, DateTimeOffset from, DateTimeOffset to, Shape shape, string concatenate)
    {
        var command = connection.CreateCommand();
        var key = keyColumn is null ? "0" : $"\"{keyColumn}\"";
        var columns = shape switch
        {
            Shape.Rows => $"\"WindowStart\", {key}, \"Count\"",
            Shape.PackedByWindowStart => $"\"WindowStart\", {concatenate}({key} || ':' || \"Count\", ',')",
            _ => $"0, {key} AS k, CAST(SUM(\"Count\") AS BIGINT)",
        };
        var sql = new StringBuilder($"SELECT {columns} FROM \"{table}\" WHERE \"Window\" = @w AND \"OrganisationId\" = @o");
        AddParameter(command, "@w", (int)window);
        AddParameter(command, "@o", query.OrganisationId);
        if (query.ProjectId is { } project)
        {
            sql.Append(" AND \"ProjectId\" = @p");
            AddParameter(command, "@p", project);
        }

        if (query.EnvironmentId is { } environment)
        {
            sql.Append(" AND \"EnvironmentId\" = @e");
            AddParameter(command, "@e", environment);
        }

        if (query.FeatureId is { } feature)
        {
            sql.Append(" AND \"FeatureId\" = @f");
            AddParameter(command, "@f", feature);
        }

        sql.Append(" AND \"WindowStart\" >= @from AND \"WindowStart\" < @to");
        sql.Append(shape switch
        {
            Shape.PackedByWindowStart => " GROUP BY \"WindowStart\"",
            Shape.TotalPerKey => " GROUP BY k",
            _ => "",
        });
        AddParameter(command, "@from", from.UtcTicks);
        AddParameter(command, "@to", to.UtcTicks);
        command.CommandText = sql.ToString();
        return command;
    }

    /// <summary>The table a query reads and the column it groups by. Evaluations not narrowed to or split by environment read the series without it.</summary>
    private static (string Table, string? KeyColumn) Source(UsageQuery query) => (query.Metric, query.Grouping) switch
    {
        (UsageMetric.ApiCalls, UsageGrouping.Resource) => ("UsageApiCallCounts", "Resource"),
        (UsageMetric.ApiCalls, UsageGrouping.Status) => ("UsageApiCallCounts", "StatusClass"),
        (UsageMetric.ApiCalls, UsageGrouping.Environment) => ("UsageApiCallCounts", "EnvironmentId"),
        (UsageMetric.ApiCalls, UsageGrouping.None) => ("UsageApiCallCounts", null),
        (UsageMetric.ApiCalls, UsageGrouping.Project) => ("UsageApiCallCounts", "ProjectId"),
        (UsageMetric.FlagEvaluations, UsageGrouping.Project) => ("UsageProjectEvaluationCounts", "ProjectId"),
        (UsageMetric.FlagEvaluations, UsageGrouping.Environment) => ("UsageEvaluationCounts", "EnvironmentId"),
        (UsageMetric.FlagEvaluations, UsageGrouping.Feature or UsageGrouping.None) =>
            (query.EnvironmentId is null ? "UsageProjectEvaluationCounts" : "UsageEvaluationCounts", query.Grouping == UsageGrouping.None ? null : "FeatureId"),
        (UsageMetric.ApiCalls, _) => throw new ValidationException("group", "API calls are grouped by resource, status, environment, project or none."),
        _ => throw new ValidationException("group", "Flag evaluations are grouped by feature, environment, project or none."),
    };

    private static string Key(UsageGrouping grouping, int value) => grouping switch
    {
        UsageGrouping.None => UsageGrid.TotalKey,
        UsageGrouping.Status => UsageWindows.StatusTag(value),
        UsageGrouping.Environment or UsageGrouping.Project => EnvironmentKey(value),
        _ => value.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>An environment or project id, or "unknown" for calls whose key matched none (stored as 0).</summary>
    private static string EnvironmentKey(int id) =>
        id == 0 ? "unknown" : id.ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>
    /// INSERT … ON CONFLICT … DO UPDATE adding the counts: the same text on SQLite and PostgreSQL. Rows are
    /// (Window, key columns…, Count), the key being the table's primary key.
    /// </summary>
    private static Task<int> UpsertAsync(FlagDashboardDbContext db, string table, string[] keyColumns, IReadOnlyList<object[]> rows, CancellationToken cancellationToken)
    {
        string[] columns = ["Window", .. keyColumns, "Count"];
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
