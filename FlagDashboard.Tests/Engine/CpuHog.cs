using System.Diagnostics;

namespace FlagDashboard.Tests.Engine;

/// <summary>
/// Debian's <c>stress-ng</c> keeping every core busy while a test runs. It stops itself after
/// <paramref name="bound"/> even if the test process dies, and is killed with its workers when disposed.
/// </summary>
internal sealed class CpuHog : IDisposable
{
    public const string StressNgPath = "/usr/bin/stress-ng";

    private readonly Process _process;

    private CpuHog(Process process) => _process = process;

    public static CpuHog Start(TimeSpan bound)
    {
        var start = new ProcessStartInfo(StressNgPath)
        {
            ArgumentList = { "--cpu", Environment.ProcessorCount.ToString(System.Globalization.CultureInfo.InvariantCulture), "--timeout", $"{(int)bound.TotalSeconds}s", "--quiet" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("stress-ng did not start.");
        return new CpuHog(process);
    }

    /// <summary>Waits until the workers burn CPU (the hog's own CPU time grows), so that the test runs under load.</summary>
    public async Task WaitUntilBusyAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await Eventually.TrueAsync(
            async () => _process.HasExited
                ? throw new InvalidOperationException($"stress-ng exited early ({_process.ExitCode}): {await _process.StandardError.ReadToEndAsync(cancellationToken)}")
                : WorkerCount() >= Environment.ProcessorCount,
            "stress-ng to start its workers", TimeSpan.FromSeconds(20));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    // stress-ng forks one worker per --cpu; they are the children of its process.
    private int WorkerCount()
    {
        var children = $"/proc/{_process.Id}/task/{_process.Id}/children";
        return File.Exists(children) ? File.ReadAllText(children).Split(' ', StringSplitOptions.RemoveEmptyEntries).Length : 0;
    }
}
