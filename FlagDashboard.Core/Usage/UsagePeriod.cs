namespace FlagDashboard.Core.Usage;

/// <summary>
/// The period an organisation's usage is counted in: for now the calendar month, in UTC. The one place that
/// decides it, so that an organisation's billing day can move the start without touching the callers.
/// </summary>
public readonly record struct UsagePeriod(DateTimeOffset From, DateTimeOffset To)
{
    public static UsagePeriod Containing(DateTimeOffset time)
    {
        var utc = time.ToUniversalTime();
        var from = new DateTimeOffset(utc.Year, utc.Month, 1, 0, 0, 0, TimeSpan.Zero);
        return new UsagePeriod(from, from.AddMonths(1));
    }

    public UsagePeriod Previous => Containing(From.AddTicks(-1));

    /// <summary>The <paramref name="count"/> periods ending with this one, oldest first.</summary>
    public IReadOnlyList<UsagePeriod> Trailing(int count)
    {
        var periods = new UsagePeriod[count];
        var period = this;
        for (var i = count - 1; i >= 0; i--)
        {
            periods[i] = period;
            period = period.Previous;
        }

        return periods;
    }
}
