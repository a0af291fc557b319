using System.Diagnostics;

namespace FlagDashboard.Tests.Infrastructure;

public sealed record CommandResult(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs the built app's command line (an operator verb) with <c>dotnet</c>. The deadline is the app's start deadline:
    /// a verb starts the same host, and under load (CI, a CPU hog) an import took over two minutes.
    /// </summary>
    public static Task<CommandResult> RunAsync(string assembly, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment) =>
        RunProgramAsync("dotnet", [assembly, .. arguments], environment, AppPaths.AppProjectDirectory, AppProcess.StartDeadline);

    public static async Task<CommandResult> RunProgramAsync(
        string program, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, string workingDirectory, TimeSpan timeout)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', start.ArgumentList)} did not end within {timeout}.");
        }

        return new CommandResult(process.ExitCode, await output, await error);
    }
}
