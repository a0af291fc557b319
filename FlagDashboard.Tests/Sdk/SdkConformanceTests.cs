using System.Diagnostics;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Sdk;

/// <summary>The official Flagsmith SDKs from npm, run by Node against a freshly started FlagDashboard.</summary>
public sealed class SdkConformanceTests(ImportedEnvironment environment) : IClassFixture<ImportedEnvironment>
{
    private static readonly SemaphoreSlim NpmInstall = new(1, 1);
    private static string SuiteDirectory => Path.Combine(AppPaths.RepositoryRoot, "FlagDashboard.Tests", "Sdk", "Conformance");

    [Fact]
    public async Task TheOfficialSdksGetTheRightAnswerToEveryCall()
    {
        await EnsurePackagesAsync();
        var changed = environment.WriteChangedDocument("welcome_banner", "Changed by the server");
        var start = new ProcessStartInfo("node", ["conformance.mjs"])
        {
            WorkingDirectory = SuiteDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["BASE_URL"] = environment.App.BaseAddress.ToString().TrimEnd('/'),
                ["CLIENT_KEY"] = ImportedEnvironment.ClientKey,
                ["SERVER_KEY"] = environment.ServerKey,
                ["CHANGED_VALUE"] = "Changed by the server",
                ["CHANGE_COMMAND"] = $"dotnet \"{AppPaths.AppAssembly}\" import --organisation Acme --project Web \"{changed}\" > /dev/null",
                ["Database__DataDirectory"] = environment.App.DataDirectory,
            },
        };

        var (exitCode, output) = await RunAsync(start, TimeSpan.FromMinutes(3));

        TestContext.Current.SendDiagnosticMessage(output);
        Assert.True(exitCode == 0, output);
        Assert.Contains("all checks passed", output);
    }

    private static async Task EnsurePackagesAsync()
    {
        await NpmInstall.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!File.Exists(Path.Combine(SuiteDirectory, "node_modules", ".package-lock.json")))
            {
                var (exitCode, output) = await RunAsync(new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = SuiteDirectory }, TimeSpan.FromMinutes(5));
                Assert.True(exitCode == 0, $"npm ci failed:\n{output}");
            }
        }
        finally
        {
            NpmInstall.Release();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(ProcessStartInfo start, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
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
            return (-1, $"timed out after {timeout}:\n{await output}\n{await error}");
        }

        return (process.ExitCode, await output + await error);
    }
}
