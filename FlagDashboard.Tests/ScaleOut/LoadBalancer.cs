using System.Diagnostics;
using System.Net.Sockets;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>
/// nginx from Debian's package running deploy/nginx.conf, the configuration the README's scale-out example ships,
/// with only the instances' addresses and the listening port changed to this run's loopback ports.
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    public const string NginxPath = "/usr/sbin/nginx";

    private readonly Process _process;
    private readonly string _directory;

    private LoadBalancer(Process process, string directory, Uri baseAddress)
    {
        _process = process;
        _directory = directory;
        BaseAddress = baseAddress;
    }

    public Uri BaseAddress { get; }

    public string ErrorLog => File.Exists(Path.Combine(_directory, "error.log")) ? File.ReadAllText(Path.Combine(_directory, "error.log")) : "";

    public static async Task<LoadBalancer> StartAsync(Uri first, Uri second)
    {
        Assert.SkipUnless(File.Exists(NginxPath), $"{NginxPath} is missing: scripts/test.sh installs Debian's nginx package.");
        // nginx cannot listen on port 0 and say which port it got: a free port is picked, and picked again when
        // another process took it in between.
        for (var attempt = 1; ; attempt++)
        {
            var balancer = await TryStartAsync(first, second);
            if (await balancer.WaitListeningAsync() || attempt == 3)
            {
                return balancer;
            }

            await balancer.DisposeAsync();
        }
    }

    private static async Task<LoadBalancer> TryStartAsync(Uri first, Uri second)
    {
        var directory = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", $"nginx-{Guid.NewGuid():N}");
        Directory.CreateDirectory(directory);
        var port = AppProcess.FreePort();
        var site = (await File.ReadAllTextAsync(Path.Combine(AppPaths.RepositoryRoot, "deploy", "nginx.conf")))
            .Replace("app1:5080", first.Authority, StringComparison.Ordinal)
            .Replace("app2:5080", second.Authority, StringComparison.Ordinal)
            .Replace("listen 80;", $"listen 127.0.0.1:{port};", StringComparison.Ordinal);
        Assert.Contains(first.Authority, site, StringComparison.Ordinal);
        await File.WriteAllTextAsync(Path.Combine(directory, "flagdashboard.conf"), site);
        // What the nginx image's own nginx.conf provides around the site file, with every path in this folder.
        await File.WriteAllTextAsync(Path.Combine(directory, "nginx.conf"), $$"""
            user root;
            daemon off;
            worker_processes 1;
            pid {{directory}}/nginx.pid;
            error_log {{directory}}/error.log warn;
            events { worker_connections 512; }
            http {
                access_log off;
                client_body_temp_path {{directory}}/body;
                proxy_temp_path {{directory}}/proxy;
                fastcgi_temp_path {{directory}}/fastcgi;
                uwsgi_temp_path {{directory}}/uwsgi;
                scgi_temp_path {{directory}}/scgi;
                include {{directory}}/flagdashboard.conf;
            }
            """);
        var start = new ProcessStartInfo(NginxPath) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { "-p", directory, "-e", Path.Combine(directory, "error.log"), "-c", Path.Combine(directory, "nginx.conf") })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        return new LoadBalancer(process, directory, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>True once nginx accepts connections; false if it exited because its port was taken.</summary>
    private async Task<bool> WaitListeningAsync()
    {
        // True: listening; false: exited because its port was taken; null: not yet.
        var listening = await Eventually.GetAsync<bool?>(async () =>
        {
            if (_process.HasExited)
            {
                return ErrorLog.Contains("Address already in use", StringComparison.Ordinal)
                    ? false
                    : throw new InvalidOperationException($"nginx exited with {_process.ExitCode}:\n{await _process.StandardError.ReadToEndAsync()}{ErrorLog}");
            }

            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", BaseAddress.Port);
                return true;
            }
            catch (SocketException)
            {
                return null;
            }
        }, answer => answer is not null, "nginx to accept connections");
        return listening!.Value;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
