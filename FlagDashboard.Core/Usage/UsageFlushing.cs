using System.Text.Json;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Usage.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage;

/// <summary>
/// Moves counts from memory to the usage store. A failed write keeps the counts and is retried with
/// backoff; past <see cref="UsageOptions.MaxPendingCounts"/> an external store's counts spill to the app's
/// database and are replayed when the store is back. The store is set up (buckets, tasks) before the first
/// write that finds it answering. Flushes never overlap: the loop's and the one at shutdown take turns.
/// </summary>
public sealed class UsageFlushing(
    UsageCounters counters,
    IUsageStore store,
    IDbContextFactory<FlagDashboardDbContext> dbFactory,
    IOptions<UsageOptions> options,
    TimeProvider clock,
    ILogger<UsageFlushing> logger)
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(1);
    private readonly List<UsageBatch> _pending = [];
    private readonly SemaphoreSlim _turn = new(1, 1);
    private bool _initialized;
    private int _failures;
    private DateTimeOffset _retryAt;

    /// <summary>Counts taken from memory but not yet in the store.</summary>
    public long PendingCount => _pending.Sum(Count);

    /// <summary>Drains the counters and writes what is pending, unless a retry is not due yet (a final flush always tries, and spills what it could not write).</summary>
    public async Task<bool> FlushAsync(bool final, CancellationToken cancellationToken)
    {
        await _turn.WaitAsync(cancellationToken);
        try
        {
            _pending.AddRange(counters.Drain());
            if (!final && clock.GetUtcNow() < _retryAt)
            {
                await SpillAsync(force: false, cancellationToken);
                return false;
            }

            try
            {
                await WriteAsync(cancellationToken);
                return true;
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                _failures++;
                var backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, _failures)));
                _retryAt = clock.GetUtcNow() + backoff;
                logger.LogWarning(exception, "Writing {PendingCount} usage counts failed ({Failures} in a row); retrying in {Backoff}", PendingCount, _failures, backoff);
                await SpillAsync(force: final, cancellationToken);
                return false;
            }
        }
        finally
        {
            _turn.Release();
        }
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            await store.InitializeAsync(cancellationToken);
            _initialized = true;
        }

        await ReplaySpilledAsync(cancellationToken);
        if (_pending.Count > 0)
        {
            await store.WriteAsync(_pending, cancellationToken);
            _pending.Clear();
        }

        if (_failures > 0)
        {
            logger.LogInformation("The usage store is back after {Failures} failed writes", _failures);
        }

        _failures = 0;
    }

    /// <summary>Moves pending counts to the app's database when over the bound, or always when <paramref name="force"/> (at shutdown).</summary>
    private async Task SpillAsync(bool force, CancellationToken cancellationToken)
    {
        // The embedded store is the app's database: there is nowhere else to spill, so its counts wait in memory.
        if (store is EmbeddedUsageStore || _pending.Count == 0 || (!force && PendingCount <= options.Value.MaxPendingCounts))
        {
            return;
        }

        try
        {
            await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
            db.PendingUsage.AddRange(_pending.Select(batch => new PendingUsage { Minute = batch.Minute, Batch = SpilledBatch.Serialize(batch) }));
            await db.SaveChangesAsync(cancellationToken);
            logger.LogWarning("Spilled {PendingCount} usage counts to the database until the usage store is back", PendingCount);
            _pending.Clear();
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(exception, "Spilling {PendingCount} usage counts to the database failed; they stay in memory", PendingCount);
        }
    }

    private async Task ReplaySpilledAsync(CancellationToken cancellationToken)
    {
        if (store is EmbeddedUsageStore)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // SQLite has one instance: nobody else replays, and a transaction would hold its only write lock
        // through the store's write.
        var shared = !db.Database.IsSqlite();
        while (await db.PendingUsage.AsNoTracking().OrderBy(p => p.Id).Take(100).ToListAsync(cancellationToken) is { Count: > 0 } spilled)
        {
            // Instances sharing the database claim rows by deleting them, in a transaction that commits only
            // once the store took them: a failed write puts them back, and two instances never replay the same
            // rows (the second one's delete waits for the first and then finds them gone).
            await using var transaction = shared ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
            var ids = spilled.Select(p => p.Id).ToList();
            if (shared && await db.PendingUsage.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(cancellationToken) != ids.Count)
            {
                // Another instance is replaying these; it will finish them.
                return;
            }

            await store.WriteAsync(spilled.Select(p => SpilledBatch.Deserialize(p.Batch)).ToList(), cancellationToken);
            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
            else
            {
                await db.PendingUsage.Where(p => ids.Contains(p.Id)).ExecuteDeleteAsync(cancellationToken);
            }
        }
    }

    private static long Count(UsageBatch batch) => batch.ApiCalls.Values.Sum() + batch.Evaluations.Values.Sum();

    /// <summary>A batch as JSON, for the spill table.</summary>
    private sealed record SpilledBatch(DateTimeOffset Minute, long? Stamp, List<SpilledCall> Calls, List<SpilledEvaluation> Evaluations, string? Instance = null, Guid? Id = null)
    {
        public static string Serialize(UsageBatch batch) => JsonSerializer.Serialize(new SpilledBatch(
            batch.Minute,
            batch.Stamp,
            batch.ApiCalls.Select(c => new SpilledCall(c.Key, c.Value)).ToList(),
            batch.Evaluations.Select(e => new SpilledEvaluation(e.Key, e.Value)).ToList(),
            batch.Instance,
            batch.Id), JsonOptions.Compact);

        public static UsageBatch Deserialize(string json)
        {
            var spilled = JsonSerializer.Deserialize<SpilledBatch>(json, JsonOptions.Compact)!;
            return new UsageBatch(spilled.Minute, spilled.Calls.ToDictionary(c => c.Call, c => c.Count), spilled.Evaluations.ToDictionary(e => e.Key, e => e.Count))
            {
                // Spilled before batches had ids: a fresh one (such a batch was never counted by the embedded store's ledger).
                Id = spilled.Id ?? Guid.NewGuid(),
                Stamp = spilled.Stamp,
                Instance = spilled.Instance,
            };
        }
    }

    private sealed record SpilledCall(ApiCall Call, long Count);

    private sealed record SpilledEvaluation(EvaluationKey Key, long Count);
}
