using System.Diagnostics;
using Npgsql;

[assembly: AssemblyFixture(typeof(FlagDashboard.Tests.Infrastructure.PostgresServerLifetime))]

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>
/// One throw-away PostgreSQL server per test run, from Debian's <c>postgresql</c> package: initdb into a
/// temporary folder, a free loopback port, no durability (tests never survive a crash). Started on first use,
/// stopped when the run ends (<see cref="PostgresServerLifetime"/>). Each test gets its own database.
/// PostgreSQL refuses to run as root, so as root the server runs as the <c>postgres</c> user.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    private static readonly SemaphoreSlim StartLock = new(1, 1);
    private static PostgresServer? _shared;
    private static string? _unavailable;

    private readonly string _directory;
    private readonly string _bin;

    private PostgresServer(string bin, string directory, int port)
    {
        _bin = bin;
        _directory = directory;
        Port = port;
        AdminConnectionString = ConnectionStringFor("postgres");
    }

    public int Port { get; }

    public string AdminConnectionString { get; }

    /// <summary>The run's server, started on first call; skips the calling test with the reason when PostgreSQL is not installed.</summary>
    public static async Task<PostgresServer> GetAsync()
    {
        await StartLock.WaitAsync();
        try
        {
            if (_shared is null && _unavailable is null)
            {
                var bin = FindBinaries();
                if (bin is null)
                {
                    _unavailable = "PostgreSQL is not installed (initdb and pg_ctl not found; scripts/test.sh installs Debian's postgresql package).";
                }
                else
                {
                    _shared = await StartAsync(bin);
                }
            }
        }
        finally
        {
            StartLock.Release();
        }

        if (_shared is null)
        {
            Assert.Skip(_unavailable!);
        }

        return _shared;
    }

    internal static async Task StopSharedAsync()
    {
        if (_shared is not null)
        {
            await _shared.DisposeAsync();
            _shared = null;
        }
    }

    public string ConnectionStringFor(string database) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = Port,
            Username = "postgres",
            Database = database,
            // Many small test databases: do not keep idle connections to each one open for long.
            ConnectionIdleLifetime = 2,
            ConnectionPruningInterval = 1,
        }.ConnectionString;

    /// <summary>A new database, empty or a copy of <paramref name="template"/>; the caller drops it with <see cref="DropDatabaseAsync"/>.</summary>
    public async Task<string> CreateDatabaseAsync(string? template = null)
    {
        var name = $"t_{Guid.NewGuid():N}";
        await ExecuteAsync(template is null ? $"CREATE DATABASE \"{name}\"" : $"CREATE DATABASE \"{name}\" TEMPLATE \"{template}\"");
        return name;
    }

    public async Task DropDatabaseAsync(string name)
    {
        NpgsqlConnection.ClearAllPools();
        await ExecuteAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await RunAsync(Path.Combine(_bin, "pg_ctl"), "-D", Path.Combine(_directory, "data"), "-m", "immediate", "-w", "stop");
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleaning.
        }
    }

    private static async Task<PostgresServer> StartAsync(string bin)
    {
        var directory = Path.Combine(Path.GetTempPath(), "flagdashboard-postgres", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        if (IsRoot)
        {
            await RunAsync("chown", "-R", "postgres:postgres", directory);
        }

        var data = Path.Combine(directory, "data");
        await RunAsync(Path.Combine(bin, "initdb"), "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync");
        for (var attempt = 1; ; attempt++)
        {
            var port = AppProcess.FreePort();
            var settings = $"-p {port} -c listen_addresses=127.0.0.1 -k {directory} -c max_connections=400 -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
            var started = await RunAsync(Path.Combine(bin, "pg_ctl"), throwOnFailure: attempt == 3, "-D", data, "-l", Path.Combine(directory, "server.log"), "-o", settings, "-w", "-t", "60", "start");
            if (started)
            {
                return new PostgresServer(bin, directory, port);
            }
        }
    }

    private static Task<bool> RunAsync(string file, params string[] arguments) => RunAsync(file, throwOnFailure: true, arguments);

    private static async Task<bool> RunAsync(string file, bool throwOnFailure, params string[] arguments)
    {
        var start = new ProcessStartInfo(IsRoot && !file.Equals("chown", StringComparison.Ordinal) ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        if (IsRoot && !file.Equals("chown", StringComparison.Ordinal))
        {
            foreach (var part in (string[])["-u", "postgres", "--", file])
            {
                start.ArgumentList.Add(part);
            }
        }

        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await error}");
        }

        return process.ExitCode == 0;
    }

    private static bool IsRoot => Environment.UserName == "root";

    /// <summary>Debian's package puts the programs under /usr/lib/postgresql/VERSION/bin; some images link them into /usr/local/bin.</summary>
    private static string? FindBinaries()
    {
        string[] candidates = ["/usr/local/bin", "/usr/bin", .. Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending().Select(d => Path.Combine(d, "bin"))
            : []];
        return candidates.FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "pg_ctl")));
    }
}

/// <summary>Stops the run's PostgreSQL server, if a test started it, when the run ends.</summary>
public sealed class PostgresServerLifetime : IAsyncDisposable
{
    public ValueTask DisposeAsync() => new(PostgresServer.StopSharedAsync());
}
