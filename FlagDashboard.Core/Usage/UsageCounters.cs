using System.Collections.Concurrent;

namespace FlagDashboard.Core.Usage;

/// <summary>Evaluations are keyed by the feature's id: a rename keeps its history.</summary>
public readonly record struct EvaluationKey(int OrganisationId, int ProjectId, int EnvironmentId, int FeatureId);

/// <summary>
/// Counts SDK calls and reported evaluations in memory, per minute, without locks on the request path.
/// <see cref="Drain"/> hands the counts over, one batch per minute, leaving zero behind.
/// </summary>
public sealed class UsageCounters(TimeProvider clock) : IUsageRecorder
{
    private readonly ConcurrentDictionary<(long Minute, ApiCall Call), Counter> _apiCalls = new();
    private readonly ConcurrentDictionary<(long Minute, EvaluationKey Key), Counter> _evaluations = new();

    public void RecordApiCall(in ApiCall call) =>
        Interlocked.Increment(ref _apiCalls.GetOrAdd((CurrentMinute(), call), static _ => new Counter()).Value);

    public void RecordEvaluations(int organisationId, int projectId, int environmentId, int featureId, long count)
    {
        if (count > 0)
        {
            var key = (CurrentMinute(), new EvaluationKey(organisationId, projectId, environmentId, featureId));
            Interlocked.Add(ref _evaluations.GetOrAdd(key, static _ => new Counter()).Value, count);
        }
    }

    /// <summary>
    /// Takes the counts gathered so far, one batch per minute. Each counter is exchanged atomically, so a
    /// call recorded at the same moment lands in this drain or the next, never in both or neither.
    /// Counters of minutes that are over and drained to zero are removed, so memory stays bounded.
    /// </summary>
    public IReadOnlyList<UsageBatch> Drain()
    {
        var current = CurrentMinute();
        var apiCalls = Take(_apiCalls, current);
        var evaluations = Take(_evaluations, current);
        return apiCalls.Keys.Union(evaluations.Keys).Order()
            .Select(minute => new UsageBatch(
                new DateTimeOffset(minute, TimeSpan.Zero),
                apiCalls.TryGetValue(minute, out var calls) ? calls : new Dictionary<ApiCall, long>(),
                evaluations.TryGetValue(minute, out var counts) ? counts : new Dictionary<EvaluationKey, long>()))
            .ToList();
    }

    private long CurrentMinute()
    {
        var ticks = clock.GetUtcNow().UtcTicks;
        return ticks - (ticks % TimeSpan.TicksPerMinute);
    }

    private static Dictionary<long, Dictionary<TKey, long>> Take<TKey>(ConcurrentDictionary<(long Minute, TKey Key), Counter> counters, long currentMinute)
        where TKey : notnull
    {
        var taken = new Dictionary<long, Dictionary<TKey, long>>();
        foreach (var (key, counter) in counters)
        {
            var count = Interlocked.Exchange(ref counter.Value, 0);
            if (count != 0)
            {
                if (!taken.TryGetValue(key.Minute, out var minute))
                {
                    taken[key.Minute] = minute = [];
                }

                minute[key.Key] = count;
            }

            // A minute over for more than a minute has no request left between looking its counter up and
            // incrementing it: remove it, so memory stays bounded, and keep anything that came in meanwhile.
            if (key.Minute < currentMinute - TimeSpan.TicksPerMinute && counters.TryRemove(key, out var removed))
            {
                var late = Interlocked.Exchange(ref removed.Value, 0);
                if (late != 0)
                {
                    if (!taken.TryGetValue(key.Minute, out var minute))
                    {
                        taken[key.Minute] = minute = [];
                    }

                    minute[key.Key] = minute.GetValueOrDefault(key.Key) + late;
                }
            }
        }

        return taken;
    }

    private sealed class Counter
    {
        public long Value;
    }
}
