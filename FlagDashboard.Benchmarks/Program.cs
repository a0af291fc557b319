using System.Diagnostics;
using BenchmarkDotNet.Running;
using FlagDashboard.Benchmarks;
using FlagDashboard.Core.Engine;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

// "baseline-server FILE URL": bare Kestrel answering GET /api/v1/flags/ with a file's bytes, the yardstick
// that scripts/bench-sdk.sh measures the SDK API against with the same wrk line.
if (args is ["baseline-server", var file, var url])
{
    var body = File.ReadAllBytes(file);
    var builder = WebApplication.CreateSlimBuilder();
    builder.Logging.ClearProviders();
    builder.WebHost.UseUrls(url);
    var app = builder.Build();
    app.MapGet("/api/v1/flags/", () => Results.Bytes(body, "application/json"));
    await app.RunAsync();
    return;
}

// "usage-query": the embedded usage store's chart queries over 90 days of data, timed with a Stopwatch.
if (args is ["usage-query"])
{
    await UsageQueryBenchmark.RunAsync();
    return;
}

// "identity-path": bytes allocated per identity evaluation on the server's path, and by the answer's writing.
if (args is ["identity-path"])
{
    IdentityPathProbe.Run();
    return;
}

// "probe": a quick Stopwatch check of the benchmark context (hashes and segments per evaluation), no BenchmarkDotNet.
if (args is ["probe"])
{
    var environment = CompiledEnvironment.Compile(BenchmarkContext.Build());
    foreach (var allPass in new[] { false, true })
    {
        var identities = Enumerable.Range(0, 4096).Select(i => BenchmarkContext.Identity(i, allPass)).ToArray();
        var hashesBefore = PercentageHash.HashCountOnThisThread;
        var segments = 0L;
        foreach (var identity in identities)
        {
            segments += environment.Evaluate(identity).Segments.Count;
        }

        var hashes = (PercentageHash.HashCountOnThisThread - hashesBefore) / (double)identities.Length;
        const int Iterations = 400_000;
        var stopwatch = Stopwatch.StartNew();
        for (var i = 0; i < Iterations; i++)
        {
            environment.Evaluate(identities[i & 4095]);
        }

        stopwatch.Stop();
        Console.WriteLine($"{(allPass ? "AllSplitsHashed" : "Mixed")}: {hashes:F1} hashes and {segments / (double)identities.Length:F1} matched segments per evaluation, {Iterations / stopwatch.Elapsed.TotalSeconds:N0} evaluations/s");
    }

    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
