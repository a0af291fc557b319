using System.Diagnostics;
using System.Globalization;
using System.Net;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Container;

/// <summary>One container of the image, reached on its loopback port through host networking.</summary>
public sealed class RunningContainer(ContainerImage image, string id, int port)
{
    private static readonly HttpClient Http = new(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public string Id { get; } = id;

    public Uri BaseAddress { get; } = new($"http://127.0.0.1:{port}/");

    /// <summary>How long a start may take on a busy machine before the test gives up; the time it took is reported, not asserted.</summary>
    public static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);

    /// <summary>Waits until /health answers 200 (by <see cref="StartDeadline"/> unless told); returns how long that took from now.</summary>
    public async Task<TimeSpan> WaitHealthyAsync(TimeSpan? within = null)
    {
        var timeout = within ?? StartDeadline;
        var clock = Stopwatch.StartNew();
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                try
                {
                    using var response = await Http.GetAsync(new Uri(BaseAddress, "health"));
                    return response.StatusCode == HttpStatusCode.OK;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    // Not listening yet, or one answer slower than the client's timeout on a busy machine: ask again.
                    return false;
                }
            }, "the container to answer /health with 200", timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The container did not answer /health within {timeout}. Its log:\n{await LogsAsync()}");
        }

        return clock.Elapsed;
    }

    public Task<HttpResponseMessage> GetAsync(string path) => Http.GetAsync(new Uri(BaseAddress, path));

    public HttpClient CreateClient(string path, string header, string value)
    {
        var client = new HttpClient { BaseAddress = new Uri(BaseAddress, path), Timeout = TimeSpan.FromSeconds(10) };
        client.DefaultRequestHeaders.Add(header, value);
        return client;
    }

    public Task<CommandResult> ExecAsync(params string[] command) => image.Podman.RunAsync(["exec", Id, .. command]);

    /// <summary>Runs one of the app's operator verbs inside the container, as an operator would with <c>podman exec</c>.</summary>
    public async Task<string> OperatorAsync(params string[] arguments)
    {
        var result = await ExecAsync(["/app/FlagDashboard", .. arguments]);
        return result.ExitCode == 0
            ? result.Output.TrimEnd()
            : throw new InvalidOperationException($"{string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Error}{result.Output}");
    }

    /// <summary>Imports the sample Flagsmith document (client key <see cref="ImportedEnvironment.ClientKey"/>); returns its server-side key.</summary>
    public async Task<string> ImportSampleAsync()
    {
        await image.Podman.CheckedAsync("cp", ImportedEnvironment.SamplePath, $"{Id}:/tmp/environment.json");
        return (await OperatorAsync("import", "--organisation", "Acme", "--project", "Web", "/tmp/environment.json")).Split('\n')[^1];
    }

    public async Task<string> CreateApiKeyAsync() =>
        (await OperatorAsync("create-api-key", "--organisation", "Acme", "--name", "container test")).Split('\n')[^1];

    public Task<string> InspectAsync(string format) => image.Podman.CheckedAsync("inspect", "--format", format, Id);

    /// <summary>The app's resident memory, read from the host's /proc for the container's main process.</summary>
    public async Task<long> ResidentBytesAsync()
    {
        var pid = await InspectAsync("{{.State.Pid}}");
        var line = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public Task StartAsync() => image.Podman.CheckedAsync("start", Id);

    public Task StopAsync(int timeoutSeconds = 10) => image.Podman.CheckedAsync("stop", "-t", timeoutSeconds.ToString(CultureInfo.InvariantCulture), Id);

    public Task RestartAsync() => image.Podman.CheckedAsync("restart", Id);

    public Task RemoveAsync() => image.Podman.CheckedAsync("rm", "-f", Id);

    public async Task<string> LogsAsync()
    {
        var result = await image.Podman.RunAsync("logs", Id);
        return result.Output + result.Error;
    }
}
