namespace FlagDashboard.Tests.Infrastructure;

/// <summary>
/// Waits for a condition by asking again until a deadline, so that a test holds on a busy machine. A test states
/// what it waits for; how long it took is a figure for a benchmark, never an assertion.
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a two-core machine running the whole suite and a CPU hog beside it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(25);

    /// <summary>Asks <paramref name="probe"/> until <paramref name="done"/> holds for its answer, and returns that answer.</summary>
    /// <exception cref="TimeoutException">The condition did not hold by the deadline; the message names it and the last answer.</exception>
    public static async Task<T> GetAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what, TimeSpan? within = null)
    {
        var cancel = TestContext.Current.CancellationToken;
        var deadline = DateTime.UtcNow + (within ?? Deadline);
        while (true)
        {
            var answer = await probe();
            if (done(answer))
            {
                return answer;
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"Waited {within ?? Deadline} for {what}; the last answer was: {answer}");
            }

            await Task.Delay(Pause, cancel);
        }
    }

    public static Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? within = null) =>
        GetAsync(condition, held => held, what, within);

    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? within = null) =>
        GetAsync(() => Task.FromResult(condition()), held => held, what, within);
}
