using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace FlagDashboard.Tests.SingleSignOn;

/// <summary>An account the local OpenID provider knows; its sign-in form takes <see cref="Id"/> as the login, with any password.</summary>
public sealed record SsoAccount(string Id, string Email, bool EmailVerified);

/// <summary>
/// A real OpenID provider (npm oidc-provider, <c>Provider/provider.mjs</c>) under Node on a loopback port of its own,
/// for one test. It says its issuer first; the app's redirect URI is handed to it once the app runs.
/// </summary>
public sealed class SsoProvider : IAsyncDisposable
{
    public const string ClientId = "flagdashboard";
    public const string ClientSecret = "a-test-client-secret-of-some-length";

    private static readonly SemaphoreSlim NpmInstall = new(1, 1);
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SsoProvider(Process process) => _process = process;

    public static string Directory => Path.Combine(AppPaths.RepositoryRoot, "FlagDashboard.Tests", "SingleSignOn", "Provider");

    public Uri Issuer => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("The provider has not said where it listens yet.");

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

    public static async Task<SsoProvider> StartAsync(params SsoAccount[] accounts)
    {
        await InstallAsync();
        var start = new ProcessStartInfo("node", ["provider.mjs"])
        {
            WorkingDirectory = Directory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["SSO_CLIENT_ID"] = ClientId;
        start.Environment["SSO_CLIENT_SECRET"] = ClientSecret;
        start.Environment["SSO_ACCOUNTS"] = JsonSerializer.Serialize(accounts.Select(a => new { id = a.Id, email = a.Email, email_verified = a.EmailVerified }));
        var provider = new SsoProvider(Process.Start(start) ?? throw new InvalidOperationException("Could not start node."));
        provider._process.OutputDataReceived += (_, e) => provider.Append(e.Data);
        provider._process.ErrorDataReceived += (_, e) => provider.Append(e.Data);
        provider._process.BeginOutputReadLine();
        provider._process.BeginErrorReadLine();
        try
        {
            await provider.WaitAsync(provider._listening.Task, "say where it listens");
        }
        catch
        {
            await provider.DisposeAsync();
            throw;
        }

        return provider;
    }

    /// <summary>Registers the app's client with its redirect URI and waits until the provider answers.</summary>
    public async Task RegisterClientAsync(Uri appBaseAddress)
    {
        await _process.StandardInput.WriteLineAsync(new Uri(appBaseAddress, "signin-oidc").ToString());
        await _process.StandardInput.FlushAsync();
        await WaitAsync(_ready.Task, "register the client");
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // Closing standard input asks it to stop; killed if it does not.
            _process.StandardInput.Close();
            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            try
            {
                await _process.WaitForExitAsync(wait.Token);
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }

    private static async Task InstallAsync()
    {
        await NpmInstall.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (File.Exists(Path.Combine(Directory, "node_modules", "oidc-provider", "package.json")))
            {
                return;
            }

            using var npm = Process.Start(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = Directory })!;
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            await npm.WaitForExitAsync(timeout.Token);
            Assert.True(npm.ExitCode == 0, $"npm ci in {Directory} failed");
        }
        finally
        {
            NpmInstall.Release();
        }
    }

    private async Task WaitAsync(Task step, string what)
    {
        var exited = _process.WaitForExitAsync(TestContext.Current.CancellationToken);
        var first = await Task.WhenAny(step, exited, Task.Delay(StartDeadline, TestContext.Current.CancellationToken));
        if (first != step)
        {
            throw new InvalidOperationException($"The OpenID provider did not {what} ({(_process.HasExited ? $"exited with {_process.ExitCode}" : $"waited {StartDeadline}")}):\n{Log}");
        }

        await step;
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

        if (line.StartsWith("listening ", StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line["listening ".Length..]));
        }
        else if (line == "ready")
        {
            _ready.TrySetResult();
        }
    }
}
