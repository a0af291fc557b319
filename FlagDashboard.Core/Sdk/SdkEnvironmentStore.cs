using System.Collections.Concurrent;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Import;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Core.Sdk;

/// <summary>
/// The SDK API's memory: one <see cref="SdkEnvironment"/> per environment in use, rebuilt when the
/// environment's <see cref="ProjectEnvironment.DocumentUpdatedAt"/> moves. <see cref="RefreshAsync"/> is
/// called a few times a second, so a change made anywhere (dashboard, command line, another request)
/// reaches SDKs within a second.
/// </summary>
public sealed class SdkEnvironmentStore(
    IDbContextFactory<FlagDashboardDbContext> dbFactory,
    EnvironmentDocumentExporter exporter,
    ILogger<SdkEnvironmentStore> logger,
    ILoggerFactory loggerFactory)
{
    // REGEX conditions that run past their limit report here, by segment and condition.
    private readonly CompileOptions _compileOptions = new() { Logger = loggerFactory.CreateLogger(EngineMetrics.MeterName) };

    private readonly ConcurrentDictionary<string, int> _environmentIdByKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<int, Task<SdkEnvironment?>> _environments = new();
    private Func<int, Task<SdkEnvironment?>>? _load;

    /// <summary>Raised after an environment in memory was rebuilt because it changed.</summary>
    public event Action<SdkEnvironment>? EnvironmentChanged;

    /// <summary>The environment a client or server-side key belongs to, or null for an unknown or revoked key.</summary>
    public async ValueTask<(SdkEnvironment Environment, bool IsServerSide)?> FindByKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (_environmentIdByKey.TryGetValue(key, out var cachedId))
        {
            var cached = await GetAsync(cachedId);
            if (cached is not null && cached.Accepts(key, out var cachedServerSide))
            {
                return (cached, cachedServerSide);
            }

            _environmentIdByKey.TryRemove(key, out _);
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environmentId = await EnvironmentKeyLookup.Matching(db, key).Select(e => (int?)e.Id).SingleOrDefaultAsync(cancellationToken);
        if (environmentId is null)
        {
            return null;
        }

        var environment = await GetAsync(environmentId.Value);
        if (environment is null || !environment.Accepts(key, out var isServerSide))
        {
            // Changed between the two reads: load the new version once and ask again.
            environment = await ReloadAsync(environmentId.Value);
            if (environment is null || !environment.Accepts(key, out isServerSide))
            {
                return null;
            }
        }

        _environmentIdByKey[key] = environment.Id;
        return (environment, isServerSide);
    }

    public Task<SdkEnvironment?> GetAsync(int environmentId)
    {
        var task = _environments.TryGetValue(environmentId, out var cached) ? cached : _environments.GetOrAdd(environmentId, _load ??= LoadAsync);
        if (task.IsFaulted || task.IsCanceled)
        {
            // A failed load is not kept: drop exactly that entry and try once more for this request.
            _environments.TryRemove(new KeyValuePair<int, Task<SdkEnvironment?>>(environmentId, task));
            task = _environments.GetOrAdd(environmentId, _load ??= LoadAsync);
        }

        return task;
    }

    /// <summary>Rebuilds every environment in memory whose last change differs from the database's.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        if (_environments.IsEmpty)
        {
            return;
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var stamps = await db.Environments.AsNoTracking().Select(e => new { e.Id, e.DocumentUpdatedAt }).ToDictionaryAsync(e => e.Id, e => e.DocumentUpdatedAt, cancellationToken);
        foreach (var (id, task) in _environments)
        {
            if (!stamps.TryGetValue(id, out var stamp))
            {
                _environments.TryRemove(id, out _);
                continue;
            }

            if (!task.IsCompleted)
            {
                continue;
            }

            if (!task.IsCompletedSuccessfully || task.Result is null || task.Result.Data.UpdatedAt != stamp)
            {
                await ReloadAsync(id);
            }
        }
    }

    /// <summary>
    /// Builds the environment again and swaps it in once built, so requests keep the previous version
    /// meanwhile; when the build fails the previous version stays. Announces a new version to listeners.
    /// </summary>
    private async Task<SdkEnvironment?> ReloadAsync(int environmentId)
    {
        var previous = _environments.TryGetValue(environmentId, out var task) && task.IsCompletedSuccessfully ? task.Result : null;
        SdkEnvironment? loaded;
        try
        {
            loaded = await LoadAsync(environmentId);
        }
        catch (Exception exception) when (previous is not null)
        {
            logger.LogWarning(exception, "Rebuilding the SDK answers of environment {EnvironmentId} failed; the previous version stays", environmentId);
            return previous;
        }

        _environments[environmentId] = Task.FromResult(loaded);
        if (loaded is not null && previous?.Data.UpdatedAt != loaded.Data.UpdatedAt)
        {
            logger.LogDebug("Rebuilt SDK answers of environment {EnvironmentId}", environmentId);
            EnvironmentChanged?.Invoke(loaded);
        }

        return loaded;
    }

    private async Task<SdkEnvironment?> LoadAsync(int environmentId)
    {
        await using var db = await dbFactory.CreateDbContextAsync();
        var data = await EnvironmentContextMapper.LoadAsync(db, environmentId, CancellationToken.None);
        return data is null ? null : new SdkEnvironment(data, _compileOptions);
    }

    /// <summary>The environment document for SDKs in local evaluation, kept with the environment's version.</summary>
    public Task<SdkDocument?> GetDocumentAsync(SdkEnvironment environment) =>
        environment.GetDocumentAsync(exporter.TryBuildServedDocumentAsync);
}
