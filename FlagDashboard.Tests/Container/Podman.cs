using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Container;

/// <summary>podman as it runs in this sandbox: runc, cgroupfs, host networking and no default ulimits (../shared/toolchain.md).</summary>
public sealed class Podman(string containersConf)
{
    private static readonly string[] Runtime = ["--runtime", "runc", "--cgroup-manager", "cgroupfs"];

    /// <summary>The containers.conf every podman command here needs (as <c>CONTAINERS_CONF</c>).</summary>
    public string ContainersConf { get; } = containersConf;

    public async Task<CommandResult> RunAsync(params string[] arguments) =>
        await RunAsync(TimeSpan.FromMinutes(2), arguments);

    public Task<CommandResult> RunAsync(TimeSpan timeout, params string[] arguments) =>
        CommandResult.RunProgramAsync("podman", [.. Runtime, .. arguments], new Dictionary<string, string> { ["CONTAINERS_CONF"] = ContainersConf },
            AppPaths.RepositoryRoot, timeout);

    /// <summary>Runs podman and returns its standard output, trimmed; a non-zero exit fails the test with podman's own words.</summary>
    public async Task<string> CheckedAsync(params string[] arguments)
    {
        var result = await RunAsync(arguments);
        return result.ExitCode == 0
            ? result.Output.Trim()
            : throw new InvalidOperationException($"podman {string.Join(' ', arguments)} exited {result.ExitCode}:\n{result.Error}{result.Output}");
    }
}
