using FlagDashboard.Core.Usage;

namespace FlagDashboard.Tests.Usage;

public sealed class UsageCountersTests
{
    private static readonly ApiCall FlagsOk = new(1, 2, 3, SdkResource.Flags, 2);

    [Fact]
    public void ADrainTakesTheCountsAndLeavesZero()
    {
        var counters = new UsageCounters();
        counters.RecordApiCall(FlagsOk);
        counters.RecordApiCall(FlagsOk);
        counters.RecordApiCall(FlagsOk with { StatusClass = 4 });
        counters.RecordEvaluations(1, 2, 3, "banner", 5);
        counters.RecordEvaluations(1, 2, 3, "banner", 2);

        var first = counters.Drain();
        var second = counters.Drain();

        Assert.Equal(2, first.ApiCalls[FlagsOk]);
        Assert.Equal(1, first.ApiCalls[FlagsOk with { StatusClass = 4 }]);
        Assert.Equal(7, first.Evaluations[new EvaluationKey(1, 2, 3, "banner")]);
        Assert.Empty(second.ApiCalls);
        Assert.Empty(second.Evaluations);
    }

    [Fact]
    public async Task CountsRecordedWhileDrainingAreNeitherLostNorCountedTwice()
    {
        var counters = new UsageCounters();
        const int PerWriter = 200_000;
        var drained = 0L;
        using var stop = new CancellationTokenSource();
        var drainer = Task.Run(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                drained += counters.Drain().ApiCalls.Values.Sum();
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
        drained += counters.Drain().ApiCalls.Values.Sum();

        Assert.Equal(4L * PerWriter, drained);
    }

    [Fact]
    public void ZeroOrNegativeEvaluationCountsAreIgnored()
    {
        var counters = new UsageCounters();
        counters.RecordEvaluations(1, 2, 3, "banner", 0);

        Assert.Empty(counters.Drain().Evaluations);
    }
}
