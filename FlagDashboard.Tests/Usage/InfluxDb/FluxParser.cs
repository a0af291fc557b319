using System.Diagnostics;
using System.Text.Json;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage.InfluxDb;

/// <summary>A Flux script as InfluxData's own parser (npm <c>@influxdata/flux</c> 0.5.1, WebAssembly, run by Node) reads it.</summary>
public sealed record ParsedFlux(IReadOnlyList<string> Errors, JsonElement Ast)
{
    /// <summary>The names of the functions called, in the order they appear in the script.</summary>
    public IReadOnlyList<string> CalledFunctions => Walk(Ast)
        .Where(n => n.TryGetProperty("callee", out _) && (!n.TryGetProperty("type", out var type) || type.GetString() == "CallExpression"))
        .Select(n => n.GetProperty("callee"))
        .Where(c => c.TryGetProperty("name", out _))
        .Select(c => c.GetProperty("name").GetString()!)
        .ToList();

    public IReadOnlyList<string> StringLiterals => Walk(Ast)
        .Where(n => n.TryGetProperty("type", out var type) && type.GetString() == "StringLiteral")
        .Select(n => n.GetProperty("value").GetString()!)
        .ToList();

    private static IEnumerable<JsonElement> Walk(JsonElement node)
    {
        if (node.ValueKind == JsonValueKind.Object)
        {
            yield return node;
            foreach (var property in node.EnumerateObject().Where(p => p.Name != "location"))
            {
                foreach (var child in Walk(property.Value))
                {
                    yield return child;
                }
            }
        }
        else if (node.ValueKind == JsonValueKind.Array)
        {
            foreach (var child in node.EnumerateArray().SelectMany(Walk))
            {
                yield return child;
            }
        }
    }
}

/// <summary>Runs <c>FluxParser/parse-flux.mjs</c>, installing its one npm package first when missing (like the SDK conformance suite).</summary>
public static class FluxParser
{
    private static readonly SemaphoreSlim NpmInstall = new(1, 1);

    private static string ParserDirectory => Path.Combine(AppPaths.RepositoryRoot, "FlagDashboard.Tests", "Usage", "InfluxDb", "FluxParser");

    public static async Task<IReadOnlyList<ParsedFlux>> ParseAsync(params IReadOnlyList<string> scripts)
    {
        await EnsurePackagesAsync();
        var start = new ProcessStartInfo("node", ["parse-flux.mjs"])
        {
            WorkingDirectory = ParserDirectory,
            RedirectStandardInput = true,
        };
        var (exitCode, output, error) = await RunAsync(start, JsonSerializer.Serialize(scripts), TimeSpan.FromMinutes(1));
        Assert.True(exitCode == 0, $"the Flux parser failed:\n{error}");
        using var document = JsonDocument.Parse(output);
        return document.RootElement.EnumerateArray()
            .Select(result => new ParsedFlux(
                result.GetProperty("errors").EnumerateArray().Select(e => e.GetString()!).ToList(),
                result.GetProperty("ast").Clone()))
            .ToList();
    }

    private static async Task EnsurePackagesAsync()
    {
        await NpmInstall.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!File.Exists(Path.Combine(ParserDirectory, "node_modules", ".package-lock.json")))
            {
                var start = new ProcessStartInfo("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"]) { WorkingDirectory = ParserDirectory };
                var (exitCode, output, error) = await RunAsync(start, null, TimeSpan.FromMinutes(5));
                Assert.True(exitCode == 0, $"npm ci failed:\n{output}{error}");
            }
        }
        finally
        {
            NpmInstall.Release();
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(ProcessStartInfo start, string? input, TimeSpan timeout)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.RedirectStandardInput = input is not null;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.WriteAsync(input);
            process.StandardInput.Close();
        }

        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return (-1, await output, $"timed out after {timeout}:\n{await error}");
        }

        return (process.ExitCode, await output, await error);
    }
}
