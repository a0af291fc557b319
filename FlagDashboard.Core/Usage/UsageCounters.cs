using System.Collections.Concurrent;

namespace FlagDashboard.Core.Usage;

public readonly record struct EvaluationKey(int OrganisationId, int ProjectId, int EnvironmentId, string FeatureName);

/// <summary>
/// Counts SDK calls and reported evaluations in memory, without locks on the request path. <see cref="Drain"/>
/// hands the counts over and starts again from zero, for whatever stores them.
/// </summary>
public sealed class UsageCounters : IUsageRecorder
{
    private readonly ConcurrentDictionary<ApiCall, StrongBox<long>> _apiCalls = new();
    private readonly ConcurrentDictionary<EvaluationKey, StrongBox<long>> _evaluations = new();

    public void RecordApiCall(in ApiCall call) =>
        Interlocked.Increment(ref _apiCalls.GetOrAdd(call, static _ => new StrongBox<long>()).Value);

    public void RecordEvaluations(int organisationId, int projectId, int environmentId, string featureName, long count)
    {
        if (count > 0)
        {
            Interlocked.Add(ref _evaluations.GetOrAdd(new EvaluationKey(organisationId, projectId, environmentId, featureName), static _ => new StrongBox<long>()).Value, count);
        }
    }

    /// <summary>
    /// Takes the counts gathered so far, leaving zero behind. Each counter is exchanged atomically, so a
    /// call recorded at the same moment lands in this drain or the next, never in both or neither.
    /// </summary>
    public (IReadOnlyDictionary<ApiCall, long> ApiCalls, IReadOnlyDictionary<EvaluationKey, long> Evaluations) Drain() =>
        (Take(_apiCalls), Take(_evaluations));

    private static Dictionary<TKey, long> Take<TKey>(ConcurrentDictionary<TKey, StrongBox<long>> counters)
        where TKey : notnull
    {
        var taken = new Dictionary<TKey, long>();
        foreach (var (key, box) in counters)
        {
            var count = Interlocked.Exchange(ref box.Value, 0);
            if (count != 0)
            {
                taken[key] = count;
            }
        }

        return taken;
    }

    private sealed class StrongBox<T>
    {
        public T Value = default!;
    }
}
