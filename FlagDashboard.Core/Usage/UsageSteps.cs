namespace FlagDashboard.Core.Usage;

/// <summary>What a chart reads: the window (bucket) and the step between its points, and the range widened to whole steps.</summary>
public sealed record UsagePlan(UsageWindow Window, TimeSpan Step, DateTimeOffset From, DateTimeOffset To)
{
    public int Points => (int)((To - From).Ticks / Step.Ticks);
}

/// <summary>
/// Chooses the step and the window apart: the step is the shortest of <see cref="Steps"/> that gives a line
/// at most <see cref="MaxPoints"/> points (so 300 to 600 once the range is long enough for the finest
/// window to allow it), and the window is the coarsest that the step is a whole number of and that still
/// holds the range's start. Reading the coarsest such window reads the fewest rows for the same answer.
/// </summary>
public static class UsageSteps
{
    public const int MaxPoints = 600;

    /// <summary>Steps a chart may use; each is a whole number of the windows below it that divide it.</summary>
    public static IReadOnlyList<TimeSpan> Steps { get; } =
    [
        TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(3), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10),
        TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(30), TimeSpan.FromHours(1), TimeSpan.FromHours(2), TimeSpan.FromHours(3),
        TimeSpan.FromHours(4), TimeSpan.FromHours(6), TimeSpan.FromHours(12), TimeSpan.FromDays(1), TimeSpan.FromDays(2),
        TimeSpan.FromDays(7), TimeSpan.FromDays(14), TimeSpan.FromDays(28),
    ];

    /// <summary>
    /// The plan for a range. <paramref name="window"/> forces the window (the step is then a whole number of
    /// it), <paramref name="step"/> forces the step; a window whose counts from <paramref name="from"/> are
    /// gone already (a short zoom into last month) gives way to the finest coarser one that still holds them.
    /// </summary>
    public static UsagePlan Choose(DateTimeOffset from, DateTimeOffset to, DateTimeOffset now, Func<UsageWindow, TimeSpan> retention, UsageWindow? window = null, TimeSpan? step = null)
    {
        var finest = window ?? UsageWindows.All.Where(w => from >= now - retention(w)).DefaultIfEmpty(UsageWindow.OneDay).First();
        var chosenStep = step ?? Steps.Where(s => s.Ticks % finest.Length().Ticks == 0)
            .FirstOrDefault(s => Widen(s, from, to).Points <= MaxPoints, Steps[^1]);
        var chosenWindow = window ?? UsageWindows.All.Last(w => w >= finest && chosenStep.Ticks % w.Length().Ticks == 0);
        return Widen(chosenStep, from, to) with { Window = chosenWindow };
    }

    private static UsagePlan Widen(TimeSpan step, DateTimeOffset from, DateTimeOffset to)
    {
        var start = UsageWindows.Floor(step, from);
        var end = UsageWindows.Floor(step, to);
        return new UsagePlan(UsageWindow.OneMinute, step, start, end < to ? end + step : end);
    }
}

/// <summary>Splits a range for a total: the middle from the coarsest windows, the ragged ends from finer ones.</summary>
public static class UsageRanges
{
    /// <summary>
    /// Parts of [<paramref name="from"/>, <paramref name="to"/>) that are whole windows, each of the coarsest
    /// window that fits, none finer than <paramref name="finest"/>. The last partial minute is read whole
    /// (its counts so far), and a start inside a window of <paramref name="finest"/> is moved to its start.
    /// </summary>
    public static IReadOnlyList<(UsageWindow Window, DateTimeOffset From, DateTimeOffset To)> Split(DateTimeOffset from, DateTimeOffset to, UsageWindow finest)
    {
        var parts = new List<(UsageWindow, DateTimeOffset, DateTimeOffset)>();
        var cursor = finest.Floor(from);
        while (cursor < to)
        {
            var fits = UsageWindows.All.Where(w => w >= finest && w.Floor(cursor) == cursor && cursor + w.Length() <= to).ToList();
            if (fits.Count == 0)
            {
                var end = finest.Floor(to) < to ? finest.Floor(to) + finest.Length() : to;
                parts.Add((finest, cursor, end));
                break;
            }

            var window = fits[^1];
            var stop = window.Floor(to);
            if (window != UsageWindow.OneDay && (window + 1).Floor(cursor) != cursor)
            {
                // Only up to the next coarser boundary: from there the coarser window takes over.
                var next = (window + 1).Floor(cursor) + (window + 1).Length();
                stop = next < stop ? next : stop;
            }

            parts.Add((window, cursor, stop));
            cursor = stop;
        }

        return parts;
    }
}
