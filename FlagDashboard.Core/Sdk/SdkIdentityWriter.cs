using System.Data.Common;
using System.Globalization;
using System.Text;
using System.Threading.Channels;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Core.Sdk;

/// <summary>An identity as the batch that created it stored it.</summary>
public sealed record CreatedIdentity(int Id, List<SdkTrait> Traits);

/// <summary>
/// Creates the identities that SDK calls meet for the first time, many in one transaction (group commit):
/// one writer instead of a writer per request, which on SQLite wait for each other's lock and on either
/// database pay a transaction each. A caller's answer waits for the commit of its batch, so the guarantee is
/// the one a single insert gives: an answered request is stored (a second request, on any instance, sees its
/// traits), a crash loses only requests not yet answered, and disposing (at shutdown) writes what is queued.
/// An identity that exists by the time its batch is written (another instance made it, or it came twice in
/// one batch) is handed back to the caller, which applies its traits through the single-request path.
/// Written with plain SQL rather than EF's change tracker, which cost most of the writer's time per identity.
/// </summary>
public sealed class SdkIdentityWriter : IAsyncDisposable
{
    // Enough to absorb a burst on many connections; beyond it callers wait for room (back-pressure, not loss).
    private const int Capacity = 4096;

    // A batch's insert stays one statement batch of a few hundred rows, committed in milliseconds.
    private const int MaxBatch = 256;

    // Three parameters a row: far below either database's limit on parameters in one statement.
    private const int TraitsPerStatement = 1_000;

    private readonly IDbContextFactory<FlagDashboardDbContext> _dbFactory;
    private readonly TimeProvider _clock;
    private readonly ILogger<SdkIdentityWriter> _logger;
    private readonly Channel<NewIdentity> _queue = Channel.CreateBounded<NewIdentity>(new BoundedChannelOptions(Capacity)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly Task _writing;

    public SdkIdentityWriter(IDbContextFactory<FlagDashboardDbContext> dbFactory, TimeProvider clock, ILogger<SdkIdentityWriter> logger)
    {
        _dbFactory = dbFactory;
        _clock = clock;
        _logger = logger;
        _writing = Task.Run(WriteQueuedAsync);
    }

    /// <summary>
    /// Queues a new identity with the request's stored (non-transient) traits and waits for its batch's commit.
    /// Null when the caller must store it itself: the identity exists by then, or the writer has stopped.
    /// </summary>
    public async Task<CreatedIdentity?> CreateAsync(int environmentId, string identifier, IReadOnlyList<TraitInput> traits, CancellationToken cancellationToken)
    {
        var request = new NewIdentity(environmentId, identifier, traits);
        try
        {
            await _queue.Writer.WriteAsync(request, cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return null;
        }

        // Once queued it is written whether or not the caller still waits for the answer.
        return await request.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking identities and writes those queued (the host's shutdown waits for this).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writing;
    }

    private async Task WriteQueuedAsync()
    {
        var batch = new List<NewIdentity>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var request))
            {
                batch.Add(request);
            }

            await WriteBatchAsync(batch);
            batch.Clear();
        }
    }

    private async Task WriteBatchAsync(List<NewIdentity> batch)
    {
        var first = new Dictionary<(int, string), NewIdentity>();
        foreach (var request in batch)
        {
            // The same identity twice: the later request applies its traits to the stored one, after this commit.
            first.TryAdd((request.EnvironmentId, request.Identifier), request);
        }

        var created = new List<(NewIdentity Request, int Id, List<SdkTrait> Traits)>(first.Count);
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync();
            await db.Database.OpenConnectionAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var connection = db.Database.GetDbConnection();
            var ids = await InsertIdentitiesAsync(connection, transaction.GetDbTransaction(), [.. first.Values], _clock.GetUtcNow().UtcTicks);
            var traits = new List<(int IdentityId, SdkTrait Trait)>();
            foreach (var request in first.Values)
            {
                // Not returned: it existed already (another instance made it), and its caller stores it.
                if (ids.TryGetValue((request.EnvironmentId, request.Identifier), out var id))
                {
                    var stored = StoredTraits(request.Traits);
                    created.Add((request, id, stored));
                    traits.AddRange(stored.Select(t => (id, t)));
                }
            }

            await InsertTraitsAsync(connection, transaction.GetDbTransaction(), traits);
            await transaction.CommitAsync();
        }
        catch (Exception exception)
        {
            // Each request then stores itself through the single-request path, which meets the same failure if it lasts.
            _logger.LogWarning(exception, "Writing {Count} new identities in one batch failed; storing them one by one", batch.Count);
            created.Clear();
        }

        foreach (var (request, id, traits) in created)
        {
            request.Done.TrySetResult(new CreatedIdentity(id, traits));
        }

        foreach (var request in batch)
        {
            request.Done.TrySetResult(null);
        }
    }

    /// <summary>
    /// One statement for the batch (SQLite and PostgreSQL speak the same upsert): an identity that exists
    /// is left alone and not returned, so two instances creating it at once neither fail nor duplicate it.
    /// </summary>
    private static async Task<Dictionary<(int, string), int>> InsertIdentitiesAsync(DbConnection connection, DbTransaction transaction, List<NewIdentity> requests, long createdAt)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        var sql = new StringBuilder("INSERT INTO \"Identities\" (\"EnvironmentId\", \"Identifier\", \"CreatedAt\") VALUES ");
        AddParameter(command, "@c", createdAt);
        for (var i = 0; i < requests.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@e{i}, @i{i}, @c)");
            AddParameter(command, $"@e{i}", requests[i].EnvironmentId);
            AddParameter(command, $"@i{i}", requests[i].Identifier);
        }

        sql.Append(" ON CONFLICT (\"EnvironmentId\", \"Identifier\") DO NOTHING RETURNING \"Id\", \"EnvironmentId\", \"Identifier\"");
        command.CommandText = sql.ToString();
        var ids = new Dictionary<(int, string), int>(requests.Count);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            ids[(reader.GetInt32(1), reader.GetString(2))] = reader.GetInt32(0);
        }

        return ids;
    }

    private static async Task InsertTraitsAsync(DbConnection connection, DbTransaction transaction, List<(int IdentityId, SdkTrait Trait)> traits)
    {
        foreach (var chunk in traits.Chunk(TraitsPerStatement))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            var sql = new StringBuilder("INSERT INTO \"Traits\" (\"IdentityId\", \"Key\", \"Value\") VALUES ");
            for (var i = 0; i < chunk.Length; i++)
            {
                sql.Append(i == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture, $"(@d{i}, @k{i}, @v{i})");
                AddParameter(command, $"@d{i}", chunk[i].IdentityId);
                AddParameter(command, $"@k{i}", chunk[i].Trait.Key);
                // As FlagValueConverter stores it: one JSON literal.
                AddParameter(command, $"@v{i}", chunk[i].Trait.Value.ToJson());
            }

            command.CommandText = sql.ToString();
            await command.ExecuteNonQueryAsync();
        }
    }

    private static void AddParameter(DbCommand command, string name, object value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    /// <summary>The request's non-transient traits applied in order to no traits: the last value of a key wins, a null removes it.</summary>
    private static List<SdkTrait> StoredTraits(IReadOnlyList<TraitInput> changes)
    {
        var traits = new List<SdkTrait>(changes.Count);
        foreach (var change in changes)
        {
            if (change.Transient)
            {
                continue;
            }

            var index = traits.FindIndex(t => t.Key == change.Key);
            if (change.Value.IsNone)
            {
                if (index >= 0)
                {
                    traits.RemoveAt(index);
                }
            }
            else if (index >= 0)
            {
                traits[index] = new SdkTrait(change.Key, change.Value);
            }
            else
            {
                traits.Add(new SdkTrait(change.Key, change.Value));
            }
        }

        return traits;
    }

    private sealed class NewIdentity(int environmentId, string identifier, IReadOnlyList<TraitInput> traits)
    {
        public int EnvironmentId { get; } = environmentId;

        public string Identifier { get; } = identifier;

        public IReadOnlyList<TraitInput> Traits { get; } = traits;

        // Completed by the writer's loop: the caller's continuation must not run on it.
        public TaskCompletionSource<CreatedIdentity?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
