namespace FlagDashboard.Tests.Infrastructure;

/// <summary>A clock that stands still until a test moves it, so timestamps can be asserted exactly.</summary>
public sealed class ManualClock(DateTimeOffset start) : TimeProvider
{
    public static readonly DateTimeOffset DefaultStart = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    public ManualClock()
        : this(DefaultStart)
    {
    }

    public DateTimeOffset Now { get; private set; } = start;

    public override DateTimeOffset GetUtcNow() => Now;

    public DateTimeOffset Advance(TimeSpan by)
    {
        Now += by;
        return Now;
    }
}
