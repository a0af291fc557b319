using System.Buffers;
using BenchmarkDotNet.Attributes;
using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Benchmarks;

/// <summary>
/// The server's identity path on the benchmark document (50 features, 10 multivariate, 20 segments of 3
/// conditions with a regex and a semver, 10 traits): a returning identity's traits as the store hands them
/// over, the engine's view of them, the evaluation, and the JSON answer written into a reused buffer (as into
/// the response's). Run with <c>identity-path</c> for bytes per stage, or through BenchmarkDotNet.
/// </summary>
[MemoryDiagnoser]
public class IdentityPathBenchmarks
{
    private const int IdentityCount = 1024;

    private IdentityPath _path = null!;
    private int _next;

    [GlobalSetup]
    public void Setup() => _path = new IdentityPath();

    /// <summary>Identity built from its stored traits, evaluated, its flags left in a pooled buffer.</summary>
    [Benchmark]
    public int Evaluation() => _path.Evaluate(_next++ & (IdentityCount - 1));

    /// <summary>The same, with the whole JSON answer written.</summary>
    [Benchmark]
    public long EvaluationAndAnswer() => _path.Answer(_next++ & (IdentityCount - 1));

    /// <summary>What the server's path used to be: a dictionary of traits, arrays of results, the answer copied out.</summary>
    [Benchmark(Baseline = true)]
    public int PreviousPath() => _path.PreviousPath(_next++ & (IdentityCount - 1));
}

/// <summary>The pieces of the identity path, shared by the BenchmarkDotNet class and the allocation probe.</summary>
internal sealed class IdentityPath
{
    private readonly List<SdkTrait>[] _storedTraits;
    private readonly string[] _identifiers;
    private readonly ArrayBufferWriter<byte> _output = new(32 * 1024);

    public IdentityPath(int identities = 1024)
    {
        var context = BenchmarkContext.Build();
        var features = context.Features.Select((f, i) => new SdkFeature(
            int.Parse(f.Key, System.Globalization.CultureInfo.InvariantCulture), f.Name, f.Variants.Count > 0 ? FeatureType.Multivariate : FeatureType.Standard,
            $"Feature number {i}", f.Enabled, FlagValue.FromString($"value-{i}"), 20_000 + i)).ToList();
        Environment = new SdkEnvironment(new EnvironmentData(7, 3, 1, context.Environment.Key, new HashSet<string>(), false, DateTimeOffset.UnixEpoch, features, context));
        _identifiers = new string[identities];
        _storedTraits = new List<SdkTrait>[identities];
        for (var i = 0; i < identities; i++)
        {
            var identity = BenchmarkContext.Identity(i, allPass: false);
            _identifiers[i] = identity.Identifier;
            _storedTraits[i] = [.. identity.Traits.Select(t => new SdkTrait(t.Key, ToFlagValue(t.Value)))];
        }
    }

    public SdkEnvironment Environment { get; }

    public long AnswerBytes => _output.WrittenCount;

    /// <summary>The identity as the store builds it for a returning identity whose traits did not change (its traits as read).</summary>
    public SdkIdentity BuildIdentity(int i) =>
        new(i + 1, _identifiers[i], SdkIdentityStore.Overlay(_storedTraits[i], [], transient: false), []);

    public int Evaluate(int i)
    {
        var identity = BuildIdentity(i);
        var engine = Environment.Engine;
        var flags = ArrayPool<FlagResult>.Shared.Rent(engine.FeatureCount);
        Span<int> matched = stackalloc int[engine.SegmentCount];
        var count = engine.Evaluate(identity.ToContext(), identity.Overrides, flags, matched);
        ArrayPool<FlagResult>.Shared.Return(flags, clearArray: true);
        return count;
    }

    public long Answer(int i)
    {
        _output.ResetWrittenCount();
        Environment.WriteIdentityAnswer(_output, BuildIdentity(i));
        return _output.WrittenCount;
    }

    public int PreviousPath(int i)
    {
        var identity = BuildIdentity(i);
        var traits = new Dictionary<string, EngineValue>(identity.Traits.Count, StringComparer.Ordinal);
        foreach (var trait in identity.Traits)
        {
            traits[trait.Key] = trait.Value.ToEngineValue();
        }

        var context = new IdentityContext(identity.Identifier) { Key = $"{Environment.Data.ClientKey}_{identity.Identifier}", Traits = traits };
        var result = Environment.Engine.Evaluate(context, identity.Overrides);
        var answer = SdkEnvironment.Serialize(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("identifier", identity.Identifier);
            writer.WritePropertyName("flags");
            Environment.WriteFlags(writer, result, identity.IdentityId);
            writer.WriteEndObject();
        });
        return answer.Length;
    }

    private static FlagValue ToFlagValue(EngineValue value) => value.Kind switch
    {
        EngineValueKind.String => FlagValue.FromString(value.AsString),
        EngineValueKind.Integer => FlagValue.FromInteger(value.AsLong),
        EngineValueKind.Double => FlagValue.FromDouble(value.AsDouble),
        EngineValueKind.Bool => FlagValue.FromBool(value.AsBool),
        _ => FlagValue.None,
    };
}

/// <summary>
/// <c>identity-path</c>: bytes allocated per identity evaluation on the server's path, by stage, and by the
/// answer's writing, counted exactly (GC.GetAllocatedBytesForCurrentThread) over many identities.
/// </summary>
internal static class IdentityPathProbe
{
    public static void Run()
    {
        var path = new IdentityPath();
        const int Warm = 2_000;
        const int Count = 20_000;
        for (var i = 0; i < Warm; i++)
        {
            path.Evaluate(i & 1023);
            path.Answer(i & 1023);
            path.PreviousPath(i & 1023);
        }

        var build = Measure(Count, i => path.BuildIdentity(i & 1023));
        var view = Measure(Count, i => path.BuildIdentity(i & 1023).ToContext()) - build;
        var evaluation = Measure(Count, i => path.Evaluate(i & 1023));
        var answer = Measure(Count, i => path.Answer(i & 1023));
        var previous = Measure(Count, i => path.PreviousPath(i & 1023));
        path.Answer(0);

        Console.WriteLine($"Identity path, benchmark document (50 features, 10 multivariate, 20 segments x 3 conditions, 10 traits), {Count:N0} identities:");
        Console.WriteLine($"  bytes/evaluation: {evaluation:N0} (identity from stored traits {build:N0}, engine view {view:N0}, evaluation {evaluation - build - view:N0})");
        Console.WriteLine($"  answer writing: {answer - evaluation:N0} bytes allocated for a {path.AnswerBytes:N0}-byte JSON answer (evaluation and answer together: {answer:N0} bytes)");
        Console.WriteLine($"  previous path (dictionary of traits, result arrays, answer serialised then copied): {previous:N0} bytes per identity");
    }

    private static double Measure(int count, Action<int> step)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < count; i++)
        {
            step(i);
        }

        return (GC.GetAllocatedBytesForCurrentThread() - before) / (double)count;
    }
}
