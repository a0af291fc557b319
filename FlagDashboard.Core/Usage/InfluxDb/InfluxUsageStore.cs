using InfluxDB.Client;
using InfluxDB.Client.Api.Domain;
using InfluxDB.Client.Core.Exceptions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>
/// Usage counts in InfluxDB 2: flushes go to the raw bucket, tasks in the server downsample them into the
/// 1 m, 15 m and 1 h buckets, and charts read the bucket of their window. Holds the one InfluxDB client
/// (thread-safe; register the store as a singleton).
/// </summary>
public sealed class InfluxUsageStore : IUsageStore, IDisposable
{
    private const long NanosecondsPerTick = 100;
    private const long NanosecondsPerMinute = 60_000_000_000;

    private readonly InfluxUsageOptions _options;
    private readonly TimeProvider _clock;
    private readonly InfluxDBClient _client;
    private readonly Lock _offsetsLock = new();
    private readonly Dictionary<long, long> _lastOffsets = [];
    private string? _organisationId;
    private IReadOnlyList<UsageTaskHealth> _taskHealth = [];
    private DateTimeOffset? _reconciledUntil;

    private readonly ILogger _logger;

    public InfluxUsageStore(IOptions<InfluxUsageOptions> options, TimeProvider clock, ILogger<InfluxUsageStore>? logger = null)
    {
        _options = options.Value;
        _clock = clock;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _client = new InfluxDBClient(new InfluxDBClientOptions(_options.Url)
        {
            Token = _options.Token,
            Org = _options.Organisation,
            Timeout = _options.Timeout,
        });
    }

    /// <summary>
    /// Finds or creates the four buckets (correcting a retention that no longer matches the settings) and the
    /// three downsampling tasks (correcting a script that no longer matches). A restart with the same settings
    /// only reads.
    /// </summary>
    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var organisationId = await GetOrganisationIdAsync(cancellationToken);
        var buckets = _client.GetBucketsApi();
        foreach (var (suffix, retention) in Retentions())
        {
            var name = _options.BucketName(suffix);
            var everySeconds = (long)retention.TotalSeconds;
            var existing = (await buckets.FindBucketsAsync(orgID: organisationId, name: name, cancellationToken: cancellationToken))
                .FirstOrDefault(b => b.Name == name);
            if (existing is null)
            {
                try
                {
                    await buckets.CreateBucketAsync(
                        new PostBucketRequest(orgID: organisationId, name: name, description: "FlagDashboard usage counts", retentionRules: [Expire(everySeconds)]),
                        cancellationToken);
                }
                catch (InfluxException exception) when (exception.Status is 409 or 422)
                {
                    // Another instance starting at the same time created it first (bucket names are unique), with the same settings.
                    _logger.LogInformation("Bucket {Bucket} was created by another instance meanwhile", name);
                }
            }
            else if (existing.RetentionRules is not [{ EverySeconds: var current }] || current != everySeconds)
            {
                existing.RetentionRules = [Expire(everySeconds)];
                await buckets.UpdateBucketAsync(existing, cancellationToken);
            }
        }

        var tasks = _client.GetTasksApi();
        foreach (var tier in InfluxDownsampling.Tiers(_options))
        {
            var flux = InfluxDownsampling.TaskFlux(_options, tier);
            var existing = await KeepOneTaskAsync(tasks, organisationId, tier.Name, cancellationToken);
            if (existing is null)
            {
                await tasks.CreateTaskAsync(
                    new TaskCreateRequest(orgID: organisationId, flux: flux, status: TaskStatusType.Active, description: "FlagDashboard usage downsampling"),
                    cancellationToken);
                // Task names are not unique: instances starting at once may each have created one. Look again.
                await KeepOneTaskAsync(tasks, organisationId, tier.Name, cancellationToken);
            }
            else if (Normalise(existing.Flux) != Normalise(flux))
            {
                await tasks.UpdateTaskAsync(existing.Id, new TaskUpdateRequest(flux: flux), cancellationToken);
            }
        }
    }

    /// <summary>
    /// The task of that name, deleting any others of the same name. Every instance keeps the one with the
    /// lowest id: one that sees the lowest keeps it, and the creator of any other task looks after creating
    /// it, sees both, and deletes its own. So instances racing at start leave exactly one.
    /// </summary>
    private async Task<TaskType?> KeepOneTaskAsync(TasksApi tasks, string organisationId, string name, CancellationToken cancellationToken)
    {
        var named = (await tasks.FindTasksAsync(orgId: organisationId, name: name, cancellationToken: cancellationToken))
            .Where(t => t.Name == name)
            .OrderBy(t => t.Id, StringComparer.Ordinal)
            .ToList();
        foreach (var duplicate in named.Skip(1))
        {
            try
            {
                await tasks.DeleteTaskAsync(duplicate.Id, cancellationToken);
                _logger.LogInformation("Deleted task {Task} ({TaskId}), a duplicate made by instances starting at once", name, duplicate.Id);
            }
            catch (InfluxDB.Client.Core.Exceptions.NotFoundException)
            {
                // Another instance deleted it first.
            }
        }

        return named.FirstOrDefault();
    }

    /// <summary>
    /// One write of line protocol to the raw bucket for all the batches. InfluxDB keeps only the last point
    /// per series and timestamp, so two flushes of the same minute must not share a timestamp: each flush
    /// stamps its points at the minute plus an offset in nanoseconds that this store never hands out twice
    /// for a minute (the first from the clock's position within its minute, then one more each flush), and
    /// the <c>instance</c> tag keeps other app instances' points in series of their own. Every raw point lies
    /// inside its minute, so the tasks' per-window sums count each flush once.
    /// A batch handed in again (retried after a failed write, or spilled and replayed) keeps the timestamp
    /// it was first given (<see cref="UsageBatch.Stamp"/>): if the failed write did reach the server, the
    /// retry overwrites those same points instead of counting them twice. A flusher that merges a failed
    /// batch into new counts loses that protection, so retry the batches as they were.
    /// Counts older than the raw bucket keeps (an outage longer than its retention) go straight to the finest
    /// downsampled bucket that still holds their minute, as points of their own inside the window (they add
    /// to the window's sum), and the coarser windows are recomputed from there.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<UsageBatch> batches, CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        // Points must be inside a bucket's retention by a margin, or InfluxDB refuses the whole write; two
        // hours also keep every window a backfill recomputes inside its source bucket's retention.
        var margin = TimeSpan.FromHours(2);
        var lines = new Dictionary<string, List<string>>();
        var late = new List<(int Tier, DateTimeOffset Minute)>();
        foreach (var batch in batches)
        {
            if (batch.ApiCalls.Count == 0 && batch.Evaluations.Count == 0)
            {
                continue;
            }

            var tier = Array.FindIndex(Buckets, b => batch.Minute >= now - b.Retention(_options) + margin);
            if (tier < 0)
            {
                _logger.LogError(
                    "Dropped {Count} usage counts of {Minute}: older than every bucket's retention",
                    batch.ApiCalls.Values.Sum() + batch.Evaluations.Values.Sum(), batch.Minute);
                continue;
            }

            var timestamp = batch.Stamp ??= NextTimestamp(batch.Minute);
            // Downsampled buckets hold no instance: their series are summed across instances.
            var instance = tier == 0 ? batch.Instance ??= _options.Instance : null;
            var bucket = _options.BucketName(Buckets[tier].Suffix);
            if (!lines.TryGetValue(bucket, out var bucketLines))
            {
                lines[bucket] = bucketLines = [];
            }

            foreach (var (call, count) in batch.ApiCalls)
            {
                bucketLines.Add(InfluxLineProtocol.ApiCallLine(call, count, instance, timestamp));
            }

            foreach (var (key, count) in batch.Evaluations)
            {
                bucketLines.Add(InfluxLineProtocol.EvaluationLine(key, count, instance, timestamp));
            }

            late.Add((tier, batch.Minute));
        }

        foreach (var (bucket, bucketLines) in lines)
        {
            await _client.GetWriteApiAsync().WriteRecordsAsync(bucketLines, WritePrecision.Ns, bucket, _options.Organisation, cancellationToken);
        }

        await BackfillLateWindowsAsync(late, now, cancellationToken);
    }

    /// <summary>Where counts are written by age: the raw bucket, else the finest downsampled one that still keeps them.</summary>
    private static readonly (string Suffix, Func<InfluxUsageOptions, TimeSpan> Retention)[] Buckets =
    [
        ("raw", o => o.RawRetention),
        ("1m", o => o.OneMinuteRetention),
        ("15m", o => o.FifteenMinutesRetention),
        ("1h", o => o.OneHourRetention),
    ];

    /// <summary>
    /// Points for a minute that the raw-to-1m task no longer re-reads (a retry after an outage, a replay of
    /// spilled counts, counts written straight to a downsampled bucket) would never reach the windows above
    /// them: recompute those windows, finest first, one aligned query per tier over all the late minutes.
    /// </summary>
    private async Task BackfillLateWindowsAsync(List<(int Tier, DateTimeOffset Minute)> written, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var tiers = InfluxDownsampling.Tiers(_options);
        var cutoff = now - tiers[0].Lookback;
        var late = written.Where(w => w.Tier > 0 || w.Minute < cutoff).ToList();
        if (late.Count == 0)
        {
            return;
        }

        var query = _client.GetQueryApi();
        for (var i = 0; i < tiers.Count; i++)
        {
            // Tier i reads bucket i and writes bucket i + 1: only minutes written at or below its source count.
            var minutes = late.Where(w => w.Tier <= i).Select(w => w.Minute).ToList();
            if (minutes.Count > 0)
            {
                var every = tiers[i].Every;
                var from = UsageWindows.Floor(every, minutes.Min());
                var to = UsageWindows.Floor(every, minutes.Max()) + every;
                await query.QueryAsync(InfluxDownsampling.BackfillFlux(_options, tiers[i], from, to), _options.Organisation, cancellationToken);
            }
        }
    }

    public async Task<IReadOnlyList<UsageLine>> QueryAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var flux = InfluxFlux.Query(_options, query, LiveFrom(query.Window));
        var tables = await _client.GetQueryApi().QueryAsync(flux, _options.Organisation, cancellationToken);
        return InfluxUsageLines.FromTables(tables, query);
    }

    /// <summary>
    /// Where a window's bucket may still be missing counts: from the start of the window its task has not
    /// finished yet (its offset, and one more for the run itself). Charts read from there on in the raw bucket.
    /// </summary>
    internal DateTimeOffset LiveFrom(UsageWindow window)
    {
        var tiers = InfluxDownsampling.Tiers(_options);
        var tier = tiers[Math.Min((int)window, tiers.Count - 1)];
        return UsageWindows.Floor(tier.Every, _clock.GetUtcNow() - tier.Offset - _options.TaskOffset);
    }

    public async Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken)
    {
        var groupTag = InfluxFlux.GroupTag(query.Metric, query.Grouping);
        var tables = await _client.GetQueryApi().QueryAsync(InfluxFlux.Totals(_options, query, LiveFrom(query.Window)), _options.Organisation, cancellationToken);
        return tables.SelectMany(t => t.Records)
            .Select(r => new UsageTotal(
                groupTag is null ? UsageGrid.TotalKey : r.GetValueByKey(groupTag)?.ToString() ?? InfluxLineProtocol.Unknown,
                r.GetValue() is { } value ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : 0))
            .Where(t => t.Count != 0)
            .GroupBy(t => t.Key, StringComparer.Ordinal)
            .Select(g => new UsageTotal(g.Key, g.Sum(t => t.Count)))
            .OrderByDescending(t => t.Count).ThenBy(t => t.Key, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<IReadOnlyList<FeatureLastEvaluation>> LastEvaluationsAsync(int organisationId, int projectId, CancellationToken cancellationToken)
    {
        var last = new Dictionary<(int, int), DateTimeOffset>();
        foreach (var window in new[] { UsageWindow.OneMinute, UsageWindow.OneHour })
        {
            var flux = InfluxFlux.LastEvaluations(_options, window, Retention(window), organisationId, projectId);
            foreach (var record in (await _client.GetQueryApi().QueryAsync(flux, _options.Organisation, cancellationToken)).SelectMany(t => t.Records))
            {
                // Points from before evaluations were tagged by id carry a name: they have no id to report.
                if (int.TryParse(record.GetValueByKey("feature")?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var feature)
                    && int.TryParse(record.GetValueByKey("environment")?.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var environment)
                    && record.GetTime() is { } time)
                {
                    var at = time.ToDateTimeOffset();
                    last[(feature, environment)] = last.TryGetValue((feature, environment), out var seen) && seen > at ? seen : at;
                }
            }
        }

        return last.Select(l => new FeatureLastEvaluation(l.Key.Item1, l.Key.Item2, l.Value)).OrderBy(l => l.FeatureId).ThenBy(l => l.EnvironmentId).ToList();
    }

    /// <summary>What <see cref="ReconcileAsync"/> last found about each downsampling task.</summary>
    public IReadOnlyList<UsageTaskHealth> TaskHealth => _taskHealth;

    /// <summary>
    /// Looks at each downsampling task's runs since the last look (at first, the raw bucket's retention:
    /// older windows cannot be redone) and recomputes the windows of every failed run, with the windows
    /// above them, the same way the run would have. Records each task's last run for health checks.
    /// </summary>
    public async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var now = _clock.GetUtcNow();
        var since = _reconciledUntil ?? now - _options.RawRetention;
        var organisationId = await GetOrganisationIdAsync(cancellationToken);
        var tasks = _client.GetTasksApi();
        var tiers = InfluxDownsampling.Tiers(_options);
        var health = new List<UsageTaskHealth>();
        for (var i = 0; i < tiers.Count; i++)
        {
            var tier = tiers[i];
            var previous = _taskHealth.FirstOrDefault(h => h.Task == tier.Name);
            var task = (await tasks.FindTasksAsync(orgId: organisationId, name: tier.Name, cancellationToken: cancellationToken)).FirstOrDefault(t => t.Name == tier.Name);
            if (task is null)
            {
                health.Add(new UsageTaskHealth(tier.Name, UsageTaskHealth.Missing, null, 0));
                continue;
            }

            var runs = (await tasks.GetRunsAsync(task.Id, since.UtcDateTime, null, 500, cancellationToken))
                .Where(r => r.ScheduledFor is not null)
                .Select(r => (Status: r.Status, Scheduled: new DateTimeOffset(DateTime.SpecifyKind(r.ScheduledFor!.Value, DateTimeKind.Utc))))
                .OrderBy(r => r.Scheduled)
                .ToList();
            var failed = runs.Where(r => r.Status == Run.StatusEnum.Failed).ToList();
            foreach (var run in failed)
            {
                var end = UsageWindows.Floor(tier.Every, run.Scheduled);
                _logger.LogWarning("Task {Task} failed its run of {Scheduled}; recomputing its windows", tier.Name, run.Scheduled);
                await BackfillAsync(tiers, i, end - tier.Lookback, end, cancellationToken);
            }

            health.Add(runs.Count == 0 && previous is not null
                ? previous with { FailedRunsReconciled = previous.FailedRunsReconciled }
                : new UsageTaskHealth(
                    tier.Name,
                    runs.Count == 0 ? UsageTaskHealth.NoRuns : runs[^1].Status?.ToString().ToLowerInvariant() ?? UsageTaskHealth.NoRuns,
                    runs.Count == 0 ? null : runs[^1].Scheduled,
                    (previous?.FailedRunsReconciled ?? 0) + failed.Count));
        }

        _taskHealth = health;
        _reconciledUntil = now;
    }

    /// <summary>Recomputes the windows of tier <paramref name="first"/> from <paramref name="from"/> to <paramref name="to"/>, then those of every coarser tier holding them.</summary>
    private async Task BackfillAsync(IReadOnlyList<InfluxDownsampling.Tier> tiers, int first, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var query = _client.GetQueryApi();
        for (var i = first; i < tiers.Count; i++)
        {
            var every = tiers[i].Every;
            var start = UsageWindows.Floor(every, from);
            var end = UsageWindows.Floor(every, to) < to ? UsageWindows.Floor(every, to) + every : to;
            await query.QueryAsync(InfluxDownsampling.BackfillFlux(_options, tiers[i], start, end), _options.Organisation, cancellationToken);
        }
    }

    public void Dispose() => _client.Dispose();

    internal long NextTimestamp(DateTimeOffset minute)
    {
        var minuteNs = (minute.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * NanosecondsPerTick;
        minuteNs -= minuteNs % NanosecondsPerMinute;
        lock (_offsetsLock)
        {
            long offset;
            if (_lastOffsets.TryGetValue(minuteNs, out var last))
            {
                offset = (last + 1) % NanosecondsPerMinute;
            }
            else
            {
                // A restarted app (same instance name) may write the same minute again: starting from the
                // clock's position within its minute makes meeting the earlier run's offsets vanishingly unlikely.
                offset = _clock.GetUtcNow().UtcTicks % TimeSpan.TicksPerMinute * NanosecondsPerTick;
                if (_lastOffsets.Count >= 4096)
                {
                    PruneOffsets(minuteNs);
                }
            }

            _lastOffsets[minuteNs] = offset;
            return minuteNs + offset;
        }
    }

    private void PruneOffsets(long newestMinuteNs)
    {
        var horizon = newestMinuteNs - (long)(_options.RawRetention.Ticks * NanosecondsPerTick);
        foreach (var minute in _lastOffsets.Keys.Where(m => m < horizon).ToList())
        {
            _lastOffsets.Remove(minute);
        }
    }

    private async Task<string> GetOrganisationIdAsync(CancellationToken cancellationToken)
    {
        if (_organisationId is not null)
        {
            return _organisationId;
        }

        var organisations = await _client.GetOrganizationsApi().FindOrganizationsAsync(org: _options.Organisation, cancellationToken: cancellationToken);
        var organisation = organisations.FirstOrDefault(o => o.Name == _options.Organisation)
            ?? throw new InvalidOperationException($"InfluxDB has no organisation named '{_options.Organisation}' (Usage:InfluxDB:Organisation), or the token cannot see it.");
        return _organisationId = organisation.Id;
    }

    /// <summary>The 1-day window is read from the 1-hour bucket, so it is kept as long.</summary>
    public TimeSpan Retention(UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => _options.OneMinuteRetention,
        UsageWindow.FifteenMinutes => _options.FifteenMinutesRetention,
        _ => _options.OneHourRetention,
    };

    private IEnumerable<(string Suffix, TimeSpan Retention)> Retentions() =>
    [
        ("raw", _options.RawRetention),
        ("1m", _options.OneMinuteRetention),
        ("15m", _options.FifteenMinutesRetention),
        ("1h", _options.OneHourRetention),
    ];

    private static BucketRetentionRules Expire(long everySeconds) => new(BucketRetentionRules.TypeEnum.Expire, everySeconds);

    private static string Normalise(string? flux) => (flux ?? "").ReplaceLineEndings("\n").Trim();
}
