using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>A fresh app and a headless Chromium for each test; <see cref="SeedAsync"/> prepares the data.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    protected const string Email = AppWithAdminFixture.Email;
    protected const string Password = AppWithAdminFixture.Password;

    private IPlaywright _playwright = null!;

    protected AppProcess App { get; private set; } = null!;

    protected IBrowser Chromium { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await AppProcess.StartAsync(AppSettings);
        await SeedAsync();
        (_playwright, Chromium) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Chromium.DisposeAsync();
        _playwright.Dispose();
        var log = App.Log;
        await App.DisposeAsync();
        GC.SuppressFinalize(this);
        // A component that throws ends the circuit: the page freezes and a later step times out far from the cause.
        // Fail on it here, with the app's own words.
        var crash = log.IndexOf("Unhandled exception", StringComparison.Ordinal);
        Assert.True(crash < 0, $"The app logged an unhandled exception during the test:\n{log[Math.Max(0, crash - 200)..Math.Min(log.Length, crash + 1500)]}");
    }

    /// <summary>Settings the app starts with, as environment variables (none by default).</summary>
    protected virtual IReadOnlyDictionary<string, string>? AppSettings => null;

    /// <summary>By default, an admin to sign in with.</summary>
    protected virtual Task SeedAsync() => RunVerbAsync("create-admin", "--email", Email, "--password", Password);

    protected async Task RunVerbAsync(params string[] arguments)
    {
        var result = await App.RunVerbAsync(arguments);
        Assert.True(result.ExitCode == 0, $"{arguments[0]} failed: {result.Error}");
    }
}
