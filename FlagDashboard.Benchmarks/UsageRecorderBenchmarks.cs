using BenchmarkDotNet.Attributes;
using FlagDashboard.Core.Usage;

namespace FlagDashboard.Benchmarks;

/// <summary>Counts the usage recorder absorbs: one SDK call recorded, as the SDK path does after every request.</summary>
[MemoryDiagnoser]
public class UsageRecorderBenchmarks
{
    private readonly UsageCounters _counters = new(TimeProvider.System);
    private readonly ApiCall[] _calls = Enumerable.Range(0, 64)
        .Select(i => new ApiCall(1, 1 + (i % 4), 1 + (i % 16), (SdkResource)(i % 5), i % 7 == 0 ? 4 : 2))
        .ToArray();

    private int _next;

    [Benchmark(OperationsPerInvoke = 1024)]
    public void RecordApiCall()
    {
        for (var i = 0; i < 1024; i++)
        {
            _counters.RecordApiCall(_calls[_next++ & 63]);
        }
    }

    [Benchmark(OperationsPerInvoke = 1024)]
    public void RecordApiCallFromTwoThreads() =>
        Parallel.For(0, 2, _ =>
        {
            for (var i = 0; i < 512; i++)
            {
                _counters.RecordApiCall(_calls[i & 63]);
            }
        });

    [IterationCleanup]
    public void Drain() => _counters.Drain();
}
