namespace FlagDashboard.Core.Usage;

/// <summary>
/// The period an organisation's usage is counted in and its allowance applies to: from its billing day (00:00 UTC)
/// of one month to the billing day of the next. The one place that decides it.
/// </summary>
public readonly record struct UsagePeriod(DateTimeOffset From, DateTimeOffset To)
{
    public const int FirstBillingDay = 1;

    /// <summary>28 at most, so that every month has the day.</summary>
    public const int LastBillingDay = 28;

    /// <summary>The period <paramref name="time"/> falls in, for an organisation billed on <paramref name="billingDay"/>.</summary>
    public static UsagePeriod Containing(DateTimeOffset time, int billingDay = FirstBillingDay)
    {
        var utc = time.ToUniversalTime();
        var from = new DateTimeOffset(utc.Year, utc.Month, Math.Clamp(billingDay, FirstBillingDay, LastBillingDay), 0, 0, 0, TimeSpan.Zero);
        if (utc < from)
        {
            from = from.AddMonths(-1);
        }

        return new UsagePeriod(from, from.AddMonths(1));
    }

    public UsagePeriod Previous => Containing(From.AddTicks(-1), From.Day);

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
