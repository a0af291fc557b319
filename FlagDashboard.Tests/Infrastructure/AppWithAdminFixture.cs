namespace FlagDashboard.Tests.Infrastructure;

/// <summary>One running app with an admin, shared by the tests of a class that only read from it.</summary>
public sealed class AppWithAdminFixture : IAsyncLifetime
{
    public const string Email = "admin@example.com";
    public const string Password = "correct-horse";

    public AppProcess App { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        App = await AppProcess.StartAsync();
        var created = await App.RunVerbAsync("create-admin", "--email", Email, "--password", Password);
        if (created.ExitCode != 0)
        {
            throw new InvalidOperationException($"create-admin failed: {created.Error}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Null when the start failed: that failure is the one to report, not a second one from the clean-up.
        if (App is { } app)
        {
            await app.DisposeAsync();
        }
    }
}
