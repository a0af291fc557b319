using System.Globalization;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Container;

/// <summary>
/// The image built from the repository's Dockerfile by scripts/container-image.sh, once for the container tests.
/// Every container, volume and the image made here are removed by id at the end; the Debian-made base image stays
/// (like an installed package) so that the next run is fast.
/// </summary>
public sealed class ContainerImage : IAsyncLifetime
{
    private readonly string _work = Path.Combine(Path.GetTempPath(), $"flagdashboard-container-{Environment.ProcessId}");
    private readonly List<string> _containers = [];
    private readonly List<string> _volumes = [];

    public string? Id { get; private set; }

    /// <summary>Why the checks cannot run on this machine (podman missing or unable to run); null when they can.</summary>
    public string? SkipReason { get; private set; }

    public Podman Podman { get; private set; } = null!;

    public ContainerReport Report { get; } = new();

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_work);
        Podman = new Podman(Path.Combine(_work, "containers.conf"));
        var build = await CommandResult.RunProgramAsync("bash", [Path.Combine(AppPaths.RepositoryRoot, "scripts", "container-image.sh")],
            new Dictionary<string, string> { ["CONTAINER_WORK"] = _work }, AppPaths.RepositoryRoot, TimeSpan.FromMinutes(15));
        var last = build.Output.Trim().Split('\n')[^1];
        if (build.ExitCode != 0 || !(last.StartsWith("image ", StringComparison.Ordinal) || last.StartsWith("skip ", StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"scripts/container-image.sh failed ({build.ExitCode}):\n{build.Error}\n{build.Output}");
        }

        if (last.StartsWith("skip ", StringComparison.Ordinal))
        {
            SkipReason = $"Container checks skipped: {last[5..]}";
            Report.Add(SkipReason);
            return;
        }

        Id = last[6..].Trim().Replace("sha256:", "", StringComparison.Ordinal);
        var bytes = long.Parse(await Podman.CheckedAsync("image", "inspect", "--format", "{{.Size}}", Id), CultureInfo.InvariantCulture);
        Report.Add($"Image {Id[..12]}: {bytes / 1_000_000.0:F0} MB. Layers, newest first:");
        foreach (var layer in (await Podman.CheckedAsync("history", "--no-trunc", "--format", "{{.Size}}\t{{.CreatedBy}}", Id)).Split('\n'))
        {
            var parts = layer.Split('\t', 2);
            Report.Add($"  {parts[0],10}  {Shorten(parts.ElementAtOrDefault(1) ?? "")}");
        }
    }

    /// <summary>Starts a container of the image on a free loopback port with <paramref name="volume"/> as /data.</summary>
    public async Task<RunningContainer> StartAsync(string volume, int? port = null)
    {
        var chosenPort = port ?? AppProcess.FreePort();
        var id = await Podman.CheckedAsync("run", "-d", "--ulimit", "host", "--network=host",
            // podman schedules health checks with systemd timers, which this sandbox lacks; the tests run the check themselves.
            "--health-interval=disable",
            "-e", $"Urls=http://127.0.0.1:{chosenPort}", "-v", $"{volume}:/data", Id!);
        lock (_containers)
        {
            _containers.Add(id);
        }

        return new RunningContainer(this, id, chosenPort);
    }

    /// <summary>A volume name that is removed at the end.</summary>
    public string NewVolume()
    {
        var name = $"flagdashboard-test-{Guid.NewGuid():N}";
        lock (_volumes)
        {
            _volumes.Add(name);
        }

        return name;
    }

    public async ValueTask DisposeAsync()
    {
        if (Id is not null)
        {
            foreach (var container in _containers)
            {
                await Podman.RunAsync("rm", "-f", "-t", "0", container);
            }

            foreach (var volume in _volumes)
            {
                await Podman.RunAsync("volume", "rm", "-f", volume);
            }

            await Podman.RunAsync("rmi", "-f", Id);
        }

        Report.Save();
        Directory.Delete(_work, recursive: true);
    }

    private static string Shorten(string createdBy)
    {
        var text = createdBy.Replace("/bin/sh -c #(nop) ", "", StringComparison.Ordinal).Trim();
        return text.Length <= 90 ? text : text[..87] + "...";
    }
}
