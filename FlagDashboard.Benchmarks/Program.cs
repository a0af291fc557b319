using System.Diagnostics;
using BenchmarkDotNet.Running;
using FlagDashboard.Benchmarks;
using FlagDashboard.Core.Engine;

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
