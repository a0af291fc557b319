using System.Threading.Channels;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Identities;
using Microsoft.EntityFrameworkCore;
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
/// </summary>
public sealed class SdkIdentityWriter : IAsyncDisposable
{
    // Enough to absorb a burst on many connections; beyond it callers wait for room (back-pressure, not loss).
    private const int Capacity = 4096;

    // A batch's insert stays one statement batch of a few hundred rows, committed in milliseconds.
    private const int MaxBatch = 256;

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
        var created = new List<(NewIdentity Request, Identity Identity, List<SdkTrait> Traits)>(batch.Count);
        var again = new List<NewIdentity>();
        try
        {
            await using var db = await _dbFactory.CreateDbContextAsync();
            var now = _clock.GetUtcNow();
            var keys = new HashSet<(int, string)>();
            foreach (var request in batch)
            {
                if (!keys.Add((request.EnvironmentId, request.Identifier)))
                {
                    // The same identity twice: the later request applies its traits to the stored one, after this commit.
                    again.Add(request);
                    continue;
                }

                var traits = StoredTraits(request.Traits);
                var identity = new Identity { EnvironmentId = request.EnvironmentId, Identifier = request.Identifier, CreatedAt = now };
                foreach (var trait in traits)
                {
                    identity.Traits.Add(new Trait { Key = trait.Key, Value = trait.Value });
                }

                db.Identities.Add(identity);
                created.Add((request, identity, traits));
            }

            await db.SaveChangesAsync();
        }
        catch (Exception exception)
        {
            // Most likely another instance created one of them meanwhile (a unique index refused it): each
            // request then stores itself, finding what exists. Any other failure meets those requests there too.
            _logger.LogDebug(exception, "Writing {Count} new identities in one batch failed; storing them one by one", batch.Count);
            foreach (var request in batch)
            {
                request.Done.TrySetResult(null);
            }

            return;
        }

        foreach (var (request, identity, traits) in created)
        {
            request.Done.TrySetResult(new CreatedIdentity(identity.Id, traits));
        }

        foreach (var request in again)
        {
            request.Done.TrySetResult(null);
        }
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
