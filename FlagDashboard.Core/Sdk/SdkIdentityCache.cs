using System.Collections.Concurrent;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Core.Sdk;

/// <summary>A stored identity as an SDK call evaluates it: its id, its stored traits, its overrides mapped for the engine.</summary>
public sealed record CachedIdentity(int Id, List<SdkTrait> Traits, IReadOnlyList<FeatureContext> Overrides);

/// <summary>
/// Returning identities in memory, so that an SDK call for an identity whose traits are as sent reads nothing.
/// An entry goes when its identity's traits change (<see cref="IdentityChanges"/>: on this instance at once, on
/// others by PostgreSQL notification) and with every entry of its environment when the environment changes
/// (overrides and deleted identities stamp it, on any instance or verb). A read that overlaps any of these is
/// not kept (the generation check), so an entry is never older than the last invalidation it could have missed.
/// Where invalidations can be missed (a PostgreSQL instance not listening), the cache is suspended.
/// </summary>
public sealed class SdkIdentityCache : IDisposable
{
    /// <summary>About 5 MB of identities with a few traits each; past it the cache starts over (bounded, no bookkeeping per hit).</summary>
    public const int Capacity = 10_000;

    private readonly ConcurrentDictionary<(int EnvironmentId, string Identifier), CachedIdentity> _entries = new();
    private readonly ConcurrentDictionary<int, (int EnvironmentId, string Identifier)> _keysById = new();
    private readonly SdkEnvironmentStore _environments;
    private long _generation;
    private volatile bool _suspended;

    /// <param name="suspended">True until the caller knows it will hear of every change (see <see cref="Resume"/>).</param>
    public SdkIdentityCache(SdkEnvironmentStore environments, bool suspended = false)
    {
        _environments = environments;
        _suspended = suspended;
        environments.EnvironmentChanged += OnEnvironmentChanged;
        IdentityChanges.Changed += Drop;
    }

    public void Dispose()
    {
        _environments.EnvironmentChanged -= OnEnvironmentChanged;
        IdentityChanges.Changed -= Drop;
    }

    public int Count => _entries.Count;

    /// <summary>Taken before a read of the database; <see cref="Add"/> keeps the read only if nothing was invalidated since.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public bool TryGet(int environmentId, string identifier, out CachedIdentity identity)
    {
        identity = null!;
        return !_suspended && _entries.TryGetValue((environmentId, identifier), out identity!);
    }

    public void Add(int environmentId, string identifier, CachedIdentity identity, long generation)
    {
        if (_suspended)
        {
            return;
        }

        if (_entries.Count >= Capacity)
        {
            Clear();
            return;
        }

        var key = (environmentId, identifier);
        _entries[key] = identity;
        _keysById[identity.Id] = key;
        if (Generation != generation)
        {
            // Invalidated while it was read or added: it may be stale, so it goes.
            Remove(identity.Id);
        }
    }

    /// <summary>Drops the identities with these ids (their traits or overrides changed); null drops every one.</summary>
    public void Drop(IReadOnlyCollection<int>? identityIds)
    {
        Interlocked.Increment(ref _generation);
        if (identityIds is null)
        {
            Clear();
            return;
        }

        foreach (var id in identityIds)
        {
            Remove(id);
        }
    }

    public void DropEnvironment(int environmentId)
    {
        Interlocked.Increment(ref _generation);
        foreach (var (id, key) in _keysById)
        {
            if (key.EnvironmentId == environmentId)
            {
                Remove(id);
            }
        }
    }

    /// <summary>Stops serving and forgets everything: changes may now go unheard.</summary>
    public void Suspend()
    {
        _suspended = true;
        Clear();
    }

    /// <summary>Serves again, from nothing: called once every change is heard again.</summary>
    public void Resume()
    {
        Clear();
        _suspended = false;
    }

    private void OnEnvironmentChanged(SdkEnvironment environment) => DropEnvironment(environment.Id);

    private void Clear()
    {
        Interlocked.Increment(ref _generation);
        _entries.Clear();
        _keysById.Clear();
    }

    private void Remove(int identityId)
    {
        if (_keysById.TryRemove(identityId, out var key))
        {
            _entries.TryRemove(key, out _);
        }
    }
}
