namespace FlagDashboard.Core.Usage.Limits;

/// <summary>A billing period: from the billing day of one month (00:00 UTC) to the billing day of the next.</summary>
public readonly record struct BillingPeriod(DateTimeOffset Start, DateTimeOffset End)
{
    public const int FirstDay = 1;

    /// <summary>28 at most, so every month has the day.</summary>
    public const int LastDay = 28;

    /// <summary>The period <paramref name="at"/> falls in.</summary>
    public static BillingPeriod Containing(int billingDay, DateTimeOffset at)
    {
        var utc = at.ToUniversalTime();
        var start = new DateTimeOffset(utc.Year, utc.Month, billingDay, 0, 0, 0, TimeSpan.Zero);
        if (utc < start)
        {
            start = start.AddMonths(-1);
        }

        return new BillingPeriod(start, start.AddMonths(1));
    }
}
