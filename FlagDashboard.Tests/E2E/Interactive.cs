namespace FlagDashboard.Tests.E2E;

public static class Interactive
{
    /// <summary>
    /// Repeats an action whose effect needs the Blazor circuit: the page is served prerendered, and a click
    /// that lands before the circuit connects does nothing, as it would for a person clicking very early.
    /// </summary>
    public static async Task RetryAsync(Func<Task> attempt, int attempts = 10)
    {
        for (var i = 1; ; i++)
        {
            try
            {
                await attempt();
                return;
            }
            catch (Exception exception) when (exception is TimeoutException or Microsoft.Playwright.PlaywrightException && i < attempts)
            {
                // Try again: a failed wait throws TimeoutException, a failed Expect PlaywrightException.
            }
        }
    }
}
