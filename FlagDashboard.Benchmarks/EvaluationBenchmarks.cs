using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Benchmarks;

/// <summary>
/// Identity evaluations on a realistic environment: 50 features (10 multivariate), 20 segments of 3
/// conditions each (a PERCENTAGE_SPLIT, a REGEX, a semver comparison), 10 traits per identity.
/// Each call evaluates the next of 4,096 different identities.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(OperationsPerSecondConfig))]
public class EvaluationBenchmarks
{
    private const int IdentityCount = 4096;

    private CompiledEnvironment _environment = null!;
    private IdentityContext[] _identities = null!;
    private int _next;

    /// <summary>
    /// Mixed: identities pass the regex and semver conditions about half the time each, so some splits are
    /// skipped. AllSplitsHashed: every identity passes them, so all 20 splits and 10 allocations hash.
    /// </summary>
    [Params("Mixed", "AllSplitsHashed")]
    public string Scenario { get; set; } = "Mixed";

    [GlobalSetup]
    public void Setup()
    {
        _environment = CompiledEnvironment.Compile(BenchmarkContext.Build());
        _identities = [.. Enumerable.Range(0, IdentityCount).Select(i => BenchmarkContext.Identity(i, allPass: Scenario == "AllSplitsHashed"))];
    }

    [Benchmark]
    public EvaluationResult EvaluateIdentity() => _environment.Evaluate(_identities[_next++ & (IdentityCount - 1)]);

    private sealed class OperationsPerSecondConfig : ManualConfig
    {
        public OperationsPerSecondConfig() => AddColumn(StatisticColumn.OperationsPerSecond);
    }
}

/// <summary>The hand-written MD5 against the system's, on a typical "segment key,identity key" input.</summary>
[MemoryDiagnoser]
public class Md5Benchmarks
{
    private readonly byte[] _input = Encoding.UTF8.GetBytes("1016366,8AYnz4q3KEfT5DFtnramnP_user-123");

    [Benchmark(Baseline = true)]
    public byte[] SystemMd5() => MD5.HashData(_input);

    private readonly byte[][] _prefixes = [.. Enumerable.Range(0, Md5x8.Lanes).Select(i => Encoding.UTF8.GetBytes($"10163{i},"))];
    private readonly byte[] _identityKey = Encoding.UTF8.GetBytes("8AYnz4q3KEfT5DFtnramnP_user-123");
    private readonly ulong[] _high = new ulong[Md5x8.Lanes];
    private readonly ulong[] _low = new ulong[Md5x8.Lanes];

    [Benchmark]
    public (ulong, ulong) ManagedMd5() => Md5.Hash(_input);

    /// <summary>Eight hashes at once (divide by eight for the cost of one).</summary>
    [Benchmark(OperationsPerInvoke = Md5x8.Lanes)]
    public ulong EightLaneMd5PerHash()
    {
        Md5x8.Hash(_prefixes, _identityKey, _high, _low);
        return _high[0];
    }
}

public static class BenchmarkContext
{
    private static readonly string[] Plans = ["free", "pro", "enterprise", "trial"];
    private static readonly string[] Countries = ["GB", "US", "DE", "FR", "ES", "IT", "NL", "SE"];

    public static EvaluationContext Build()
    {
        var features = new List<FeatureContext>();
        for (var f = 0; f < 50; f++)
        {
            var feature = new FeatureContext((1000 + f).ToString(System.Globalization.CultureInfo.InvariantCulture), $"feature_{f}", f % 3 != 0, f % 2 == 0 ? EngineValue.FromInteger(f) : EngineValue.FromString($"value-{f}"));
            if (f < 10)
            {
                feature = feature with
                {
                    Variants =
                    [
                        new VariantContext($"variant-a-{f}", 30, 1) { Key = $"{f}-a" },
                        new VariantContext($"variant-b-{f}", 30, 2) { Key = $"{f}-b" },
                        new VariantContext($"variant-c-{f}", 20, 3) { Key = $"{f}-c" },
                    ],
                };
            }

            features.Add(feature);
        }

        var segments = new List<SegmentContext>();
        for (var s = 0; s < 20; s++)
        {
            var conditions = new ConditionContext[]
            {
                new("", "PERCENTAGE_SPLIT", EngineValue.FromString((20 + (s * 3)).ToString(System.Globalization.CultureInfo.InvariantCulture))),
                new("email", "REGEX", EngineValue.FromString(s % 2 == 0 ? @".*@(example|flagdashboard)\.com$" : @"[a-z]+\.\d+@")),
                s % 2 == 0
                    ? new("app_version", "GREATER_THAN_INCLUSIVE", EngineValue.FromString($"2.{s % 5}.0:semver"))
                    : new("os_version", "LESS_THAN", EngineValue.FromString($"2.{s % 5}.0:semver")),
            };
            segments.Add(new SegmentContext((5000 + s).ToString(System.Globalization.CultureInfo.InvariantCulture), $"segment_{s}")
            {
                Rules = [new RuleContext("ALL") { Conditions = conditions }],
                Overrides =
                [
                    new FeatureContext($"ov-{s}-1", $"feature_{(s * 2) % 50}", true, EngineValue.FromString($"segment-{s}")) { Priority = s % 4 },
                    new FeatureContext($"ov-{s}-2", $"feature_{(s * 7 + 3) % 50}", false, EngineValue.FromBool(true)) { Priority = s },
                ],
            });
        }

        return new EvaluationContext
        {
            Environment = new EnvironmentContext("8AYnz4q3KEfT5DFtnramnP", "Production"),
            Segments = segments,
            Features = features,
        };
    }

    public static IdentityContext Identity(int i, bool allPass)
    {
        var random = new Random(i);
        var email = allPass || random.Next(2) == 0 ? $"user.{i}@example.com" : $"User{i}@Elsewhere.org";
        var traits = new Dictionary<string, EngineValue>
        {
            ["email"] = email,
            ["app_version"] = allPass ? "2.9.0" : $"{random.Next(1, 4)}.{random.Next(0, 10)}.{random.Next(0, 5)}",
            ["os_version"] = allPass ? "1.9.0" : $"{random.Next(1, 4)}.{random.Next(0, 10)}.0",
            ["plan"] = Plans[random.Next(Plans.Length)],
            ["country"] = Countries[random.Next(Countries.Length)],
            ["age"] = EngineValue.FromInteger(random.Next(18, 80)),
            ["beta"] = EngineValue.FromBool(random.Next(2) == 0),
            ["score"] = EngineValue.FromDouble(Math.Round(random.NextDouble() * 100, 2)),
            ["logins"] = random.Next(0, 500).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["device"] = random.Next(2) == 0 ? "ios" : "android",
        };
        return new IdentityContext($"user-{i}") { Traits = traits };
    }
}
