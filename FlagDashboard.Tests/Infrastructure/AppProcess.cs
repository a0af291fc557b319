using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>
/// The real FlagDashboard executable, started as its own process on a free loopback port with a fresh data
/// directory, and stopped (and its data removed) at the end.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private bool _keepData;

    private AppProcess(Process process, Uri baseAddress, string dataDirectory)
    {
        _process = process;
        BaseAddress = baseAddress;
        DataDirectory = dataDirectory;
    }

    public Uri BaseAddress { get; }

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

    /// <param name="dataDirectory">An existing data directory, to start again on the data of an earlier run.</param>
    public static async Task<AppProcess> StartAsync(IReadOnlyDictionary<string, string>? environment = null, string? dataDirectory = null)
    {
        var port = FreePort();
        dataDirectory ??= Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { AppPaths.AppAssembly, "--urls", $"http://127.0.0.1:{port}" },
            WorkingDirectory = AppPaths.AppProjectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["Database__DataDirectory"] = dataDirectory;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start FlagDashboard.");
        var app = new AppProcess(process, new Uri($"http://127.0.0.1:{port}/"), dataDirectory);
        process.OutputDataReceived += (_, e) => app.Append(e.Data);
        process.ErrorDataReceived += (_, e) => app.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilHealthyAsync(TimeSpan.FromSeconds(60));
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
        CommandResult.RunAsync(AppPaths.AppAssembly, arguments, new Dictionary<string, string> { ["Database__DataDirectory"] = DataDirectory });

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
    }

    private async Task WaitUntilHealthyAsync(TimeSpan timeout)
    {
        using var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"FlagDashboard exited with code {_process.ExitCode}:\n{Log}");
            }

            try
            {
                if ((await client.GetAsync("health")).StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or still starting on a busy machine (a first request can outlast the client's timeout).
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"FlagDashboard did not answer /health within {timeout}:\n{Log}");
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
