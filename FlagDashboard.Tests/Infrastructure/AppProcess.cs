using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>
/// The real FlagDashboard executable, started as its own process on loopback port 0 (the port it got is read from
/// its "Now listening on" line) with a fresh data directory, and stopped (and its data removed) at the end.
/// </summary>
public sealed partial class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private bool _keepData;

    /// <summary>
    /// The trait of a test class that starts the app as a process. Such a class does not read the test run's database
    /// provider (the app has its own settings), so scripts/test.sh leaves it out of the Core tests' second run on PostgreSQL,
    /// where it would only run again unchanged.
    /// </summary>
    public const string TraitName = "Runs";

    public const string TraitValue = "AppProcess";

    /// <summary>How long a start may take on a busy machine before a test gives up (a deadline, never a bound asserted).</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Uri? _baseAddress;

    private readonly Dictionary<string, string> _verbEnvironment;

    private AppProcess(Process process, string dataDirectory, IReadOnlyDictionary<string, string>? environment)
    {
        _process = process;
        DataDirectory = dataDirectory;
        // Verbs work on the same database as the app: its data directory, and its provider and connection string when set.
        _verbEnvironment = new Dictionary<string, string> { ["Database__DataDirectory"] = dataDirectory };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            if (key.StartsWith("Database__", StringComparison.Ordinal) || key.StartsWith("ConnectionStrings__", StringComparison.Ordinal))
            {
                _verbEnvironment[key] = value;
            }
        }
    }

    public Uri BaseAddress => _baseAddress ?? throw new InvalidOperationException("The app has not said where it listens yet.");

    public string DataDirectory { get; }

    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    /// <summary>The one-time code /setup asks for, read from the line the app logs at start while it has no admin.</summary>
    public string SetupCode => SetupCodeLine().Match(Log) is { Success: true } match
        ? match.Groups["code"].Value
        : throw new InvalidOperationException($"The app logged no set-up code:{Environment.NewLine}{Log}");

    [System.Text.RegularExpressions.GeneratedRegex("set-up code (?<code>[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})")]
    private static partial System.Text.RegularExpressions.Regex SetupCodeLine();

    /// <param name="dataDirectory">An existing data directory, to start again on the data of an earlier run.</param>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, string? dataDirectory = null)
    {
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AppPaths.AppAssembly, "--urls", "http://127.0.0.1:0" },
            WorkingDirectory = AppPaths.AppProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Database__DataDirectory"] = dataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        // The address is read from the host's start-up line, so that line must be logged whatever a test sets.
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start FlagDashboard.");
        var app = new AppProcess(process, dataDirectory, environment);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilHealthyAsync(StartDeadline);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>The app's own database, for a test that changes data behind the app's back, as another process would.</summary>
    public IDbContextFactory<FlagDashboardDbContext> OpenDatabase() =>
        new PooledDbContextFactory<FlagDashboardDbContext>(new DbContextOptionsBuilder<FlagDashboardDbContext>()
            .UseSqlite($"Data Source={Path.Combine(DataDirectory, "flagdashboard.db")};Pooling=False").Options);

    public HttpClient CreateClient(bool followRedirects = false) =>
        new(new HttpClientHandler { AllowAutoRedirect = followRedirects, UseCookies = true }) { BaseAddress = BaseAddress };

    /// <summary>Runs an operator verb against the same data directory, as an operator would.</summary>
    public Task<CommandResult> RunVerbAsync(params string[] arguments) =>
        CommandResult.RunAsync(AppPaths.AppAssembly, arguments, _verbEnvironment);

    /// <summary>Stops the app as a container runtime does, with SIGTERM, and waits for it to exit; the data stays.</summary>
    public async Task<int> StopGracefullyAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(wait.Token);
        _keepData = true;
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_keepData)
        {
            return;
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Left for the OS's temp cleaning; nothing depends on it.
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_log)
        {
            _log.AppendLine(line);
        }

        var listening = ListeningLine.Match(line);
        if (listening.Success && _baseAddress is null)
        {
            _baseAddress = new Uri(listening.Groups["address"].Value.TrimEnd('/') + "/");
            _listening.TrySetResult(_baseAddress);
        }
    }

    private static readonly System.Text.RegularExpressions.Regex ListeningLine =
        new(@"Now listening on: (?<address>http://127\.0\.0\.1:\d+)", System.Text.RegularExpressions.RegexOptions.CultureInvariant);

    /// <summary>Waits for the app to listen and answer /health with 200; a slow answer is asked again, not given up on.</summary>
    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        using (var stopWaiting = new CancellationTokenSource(timeout))
        {
            var exited = _process.WaitForExitAsync(stopWaiting.Token);
            var first = await Task.WhenAny(_listening.Task, exited);
            if (first != _listening.Task)
            {
                throw _process.HasExited ? Exited() : new TimeoutException($"FlagDashboard did not say where it listens within {timeout}:\n{Log}");
            }

            await stopWaiting.CancelAsync();
        }

        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                if (_process.HasExited)
                {
                    throw Exited();
                }

                using var attempt = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                try
                {
                    using var response = await client.GetAsync("health", attempt.Token);
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
                {
                    // Not answering yet, or too slowly on a busy machine: ask again until the deadline.
                    return false;
                }
            }, "FlagDashboard to answer /health with 200", deadline - DateTime.UtcNow);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"FlagDashboard did not answer /health with 200 within {timeout}:\n{Log}");
        }
    }

    private InvalidOperationException Exited() => new($"FlagDashboard exited with code {_process.ExitCode}:\n{Log}");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
