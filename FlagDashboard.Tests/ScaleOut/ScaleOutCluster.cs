using FlagDashboard.Core.Data;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>
/// App instances, each its own process on its own port with its own home and data folder, sharing one
/// PostgreSQL database, as behind a load balancer. Stops them and drops the database at the end.
/// </summary>
public sealed class ScaleOutCluster : IAsyncDisposable
{
    private readonly List<AppProcess> _instances = [];

    private ScaleOutCluster(TestDatabase database) => Database = database;

    public TestDatabase Database { get; }

    /// <param name="migrate">False leaves the database empty, for instances that migrate it themselves.</param>
    public static async Task<ScaleOutCluster> CreateAsync(bool migrate = true) =>
        new(await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate));

    /// <summary>What every instance and verb is started with: the shared database, quick usage flushes.</summary>
    public Dictionary<string, string> Settings(string home) => new()
    {
        ["Database__Provider"] = nameof(DatabaseProvider.Postgres),
        ["ConnectionStrings__FlagDashboard"] = Database.ConnectionString,
        ["Usage__FlushInterval"] = "00:00:01",
        ["Logging__LogLevel__Default"] = "Warning",
        // Its own home: data-protection keys could otherwise be shared through ~/.aspnet by accident.
        ["HOME"] = home,
        ["Database__DataDirectory"] = Path.Combine(home, "data"),
    };

    public async Task<AppProcess> StartInstanceAsync()
    {
        var home = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));
        var instance = await AppProcess.StartAsync(Settings(home), home);
        lock (_instances)
        {
            _instances.Add(instance);
        }

        return instance;
    }

    public Task<CommandResult> RunVerbAsync(params string[] arguments) =>
        CommandResult.RunAsync(AppPaths.AppAssembly, arguments, Settings(Path.Combine(Database.Directory, "verbs")));

    public async ValueTask DisposeAsync()
    {
        foreach (var instance in _instances)
        {
            await instance.DisposeAsync();
        }

        await Database.DisposeAsync();
    }
}
