using FlagDashboard.Core.Usage;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage;

public sealed class UsageCountersTests
{
    private static readonly ApiCall FlagsOk = new(1, 2, 3, SdkResource.Flags, 2);

    [Fact]
    public void ADrainTakesTheCountsOfEachMinuteAndLeavesZero()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 11, 25, 10, 0, 30, TimeSpan.Zero));
        var counters = new UsageCounters(clock);
        counters.RecordApiCall(FlagsOk);
        counters.RecordApiCall(FlagsOk with { StatusClass = 4 });
        counters.RecordEvaluations(1, 2, 3, 11, 5);
        clock.Advance(TimeSpan.FromSeconds(45));
        counters.RecordApiCall(FlagsOk);
        counters.RecordEvaluations(1, 2, 3, 11, 2);

        var batches = counters.Drain();
        var again = counters.Drain();

        Assert.Equal([new DateTimeOffset(2026, 11, 25, 10, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 11, 25, 10, 1, 0, TimeSpan.Zero)], batches.Select(b => b.Minute));
        Assert.Equal(1, batches[0].ApiCalls[FlagsOk]);
        Assert.Equal(1, batches[0].ApiCalls[FlagsOk with { StatusClass = 4 }]);
        Assert.Equal(5, batches[0].Evaluations[new EvaluationKey(1, 2, 3, 11)]);
        Assert.Equal(1, batches[1].ApiCalls[FlagsOk]);
        Assert.Equal(2, batches[1].Evaluations[new EvaluationKey(1, 2, 3, 11)]);
        Assert.Empty(again);
    }

    [Fact]
    public async Task CountsRecordedWhileDrainingAreNeitherLostNorCountedTwice()
    {
        var counters = new UsageCounters(TimeProvider.System);
        const int PerWriter = 200_000;
        var drained = 0L;
        using var stop = new CancellationTokenSource();
        var drainer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                drained += counters.Drain().Sum(b => b.ApiCalls.Values.Sum());
            }
        }, TestContext.Current.CancellationToken);

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < PerWriter; i++)
            {
                counters.RecordApiCall(FlagsOk);
            }
        }, TestContext.Current.CancellationToken)));
        await stop.CancelAsync();
        await drainer;
        drained += counters.Drain().Sum(b => b.ApiCalls.Values.Sum());

        Assert.Equal(4L * PerWriter, drained);
    }

    [Fact]
    public void ZeroEvaluationCountsAreIgnored()
    {
        var counters = new UsageCounters(TimeProvider.System);
        counters.RecordEvaluations(1, 2, 3, 11, 0);

        Assert.Empty(counters.Drain());
    }
}
