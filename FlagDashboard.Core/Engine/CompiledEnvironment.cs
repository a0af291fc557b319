using System.Buffers;
using System.Text;
using System.Text.Json;
using FlagDashboard.Core.Engine.JsonPath;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// An evaluation context prepared once (conditions cast, regexes compiled, JSONPaths parsed, variants
/// sorted, every possible flag answer built) and then evaluated for any number of identities.
/// Immutable and thread-safe: keep one per environment version and share it.
/// </summary>
public sealed class CompiledEnvironment
{
    private readonly CompiledFeature[] _features;
    private readonly CompiledSegment[] _segments;
    private readonly CompiledOverride[] _overrides;
    private readonly Dictionary<string, int> _featureIndexByName;
    private readonly List<KeyValuePair<string, PathNode>> _staticMembers;
    private readonly IReadOnlyDictionary<string, IReadOnlyList<FeatureContext>> _identityOverrides;
    private readonly FlagResult[] _environmentFlags;
    private readonly byte[] _environmentKeyPrefix;

    private CompiledEnvironment(EvaluationContext context, IReadOnlyDictionary<string, IReadOnlyList<FeatureContext>>? identityOverrides, CompileOptions options)
    {
        Context = context;
        _environmentKeyPrefix = Encoding.UTF8.GetBytes(context.Environment.Key + "_");
        _identityOverrides = identityOverrides ?? new Dictionary<string, IReadOnlyList<FeatureContext>>();

        _featureIndexByName = new Dictionary<string, int>(StringComparer.Ordinal);
        var features = new List<CompiledFeature>();
        foreach (var feature in context.Features)
        {
            // A repeated name replaces the earlier feature in place, as a Python dict keyed by name would.
            var compiled = new CompiledFeature(feature, feature, EvaluationReasons.Default);
            if (_featureIndexByName.TryGetValue(feature.Name, out var existing))
            {
                features[existing] = compiled;
            }
            else
            {
                _featureIndexByName[feature.Name] = features.Count;
                features.Add(compiled);
            }
        }

        _features = [.. features];
        _environmentFlags = [.. _features.Select(f => f.Plain)];

        _staticMembers = [new("environment", EnvironmentNode(context.Environment)), new("identity", PathNode.FromValue(EngineValue.Null))];
        if (context.Segments.Count > 0)
        {
            _staticMembers.Add(new("segments", PathNode.Object([.. context.Segments.Select(s => new KeyValuePair<string, PathNode>(s.Key, SegmentNode(s)))])));
        }

        if (context.Features.Count > 0)
        {
            _staticMembers.Add(new("features", PathNode.Object([.. context.Features.Select(f => new KeyValuePair<string, PathNode>(f.Name, FeatureNode(f)))])));
        }

        var compilation = new CompilationScope(PathNode.Object(_staticMembers), options);
        var overrides = new List<CompiledOverride>();
        _segments = [.. context.Segments.Select(s => new CompiledSegment(s, compilation, _featureIndexByName, overrides))];
        _overrides = [.. overrides];
        IdentityKeySplitPrefixes = [.. compilation.IdentityKeySplitPrefixes];
    }

    /// <summary>The hash prefixes of the splits on the identity key, by slot (see <see cref="EvaluationScope.IdentityKeySplit"/>).</summary>
    internal byte[][] IdentityKeySplitPrefixes { get; }

    /// <summary>The context this was compiled from.</summary>
    public EvaluationContext Context { get; }

    /// <summary>Prepares a context for evaluation.</summary>
    /// <param name="context">The environment, segments and features (its identity, if any, is not used here).</param>
    /// <param name="identityOverrides">Identity overrides by exact identifier, applied on top of segments.</param>
    /// <param name="compileRegexes">
    /// Compile backtracking REGEX patterns to IL (slower to prepare, faster to run): right for an environment
    /// evaluated many times, wasteful for a single evaluation.
    /// </param>
    public static CompiledEnvironment Compile(
        EvaluationContext context,
        IReadOnlyDictionary<string, IReadOnlyList<FeatureContext>>? identityOverrides = null,
        bool compileRegexes = true) =>
        new(context, identityOverrides, compileRegexes ? CompileOptions.Default : CompileOptions.Default with { CompileRegexes = false });

    /// <summary>Prepares a context for evaluation, with options (where REGEX timeouts are logged, among others).</summary>
    public static CompiledEnvironment Compile(
        EvaluationContext context,
        CompileOptions options,
        IReadOnlyDictionary<string, IReadOnlyList<FeatureContext>>? identityOverrides = null) =>
        new(context, identityOverrides, options);

    /// <summary>Evaluates a context once, with its own identity (what the <c>evaluate</c> command does per file).</summary>
    public static EvaluationResult EvaluateContext(EvaluationContext context) =>
        Compile(context, compileRegexes: false).Evaluate(context.Identity);

    /// <summary>The environment's own flags, no segment evaluated (what <c>GET flags/</c> answers).</summary>
    public EvaluationResult EnvironmentFlags() => new(_environmentFlags, [], _featureIndexByName);

    /// <summary>Evaluates for an identity (or none), applying identity overrides registered at compile time for its identifier.</summary>
    public EvaluationResult Evaluate(IdentityContext? identity) =>
        Evaluate(identity, identity is not null && _identityOverrides.TryGetValue(identity.Identifier, out var overrides) ? overrides : null);

    /// <summary>
    /// Evaluates for an identity. <paramref name="identityOverrides"/> (the server's overrides for this exact
    /// identifier) apply after segments, with reason <c>TARGETING_MATCH; segment=identity_overrides</c>.
    /// </summary>
    public EvaluationResult Evaluate(IdentityContext? identity, IReadOnlyList<FeatureContext>? identityOverrides)
    {
        var flags = new FlagResult[_features.Length];
        int[]? rentedMatches = null;
        var matched = _segments.Length <= 256 ? stackalloc int[_segments.Length] : (rentedMatches = ArrayPool<int>.Shared.Rent(_segments.Length)).AsSpan(0, _segments.Length);
        var matchedCount = Evaluate(identity, identityOverrides, flags, matched);
        var segments = matchedCount == 0 ? [] : new SegmentResult[matchedCount];
        for (var i = 0; i < matchedCount; i++)
        {
            segments[i] = _segments[matched[i]].Result;
        }

        if (rentedMatches is not null)
        {
            ArrayPool<int>.Shared.Return(rentedMatches);
        }

        return new EvaluationResult(flags, segments, _featureIndexByName);
    }

    /// <summary>How many flags an evaluation answers (one per feature, in feature order).</summary>
    public int FeatureCount => _features.Length;

    /// <summary>How many segments an evaluation can match.</summary>
    public int SegmentCount => _segments.Length;

    /// <summary>The feature index of a flag name, as the spans of <see cref="Evaluate(IdentityContext?, IReadOnlyList{FeatureContext}?, Span{FlagResult}, Span{int})"/> are laid out.</summary>
    public bool TryGetFeatureIndex(string name, out int index) => _featureIndexByName.TryGetValue(name, out index);

    /// <summary>The answer of a segment matched by index.</summary>
    public SegmentResult SegmentResultAt(int index) => _segments[index].Result;

    /// <summary>
    /// Evaluates into the caller's buffers, allocating nothing on the usual path (the server's identity
    /// answer writes straight from them). <paramref name="flags"/>[i] gets feature i's answer;
    /// <paramref name="matchedSegments"/> gets the indexes of the matched segments in order.
    /// </summary>
    /// <returns>How many segments matched.</returns>
    public int Evaluate(IdentityContext? identity, IReadOnlyList<FeatureContext>? identityOverrides, Span<FlagResult> flags, Span<int> matchedSegments)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(flags.Length, _features.Length, nameof(flags));
        ArgumentOutOfRangeException.ThrowIfLessThan(matchedSegments.Length, _segments.Length, nameof(matchedSegments));
        byte[]? rentedKey = null;
        var keyLength = identity is null ? 0 : IdentityKeyMaxByteCount(identity);
        var keyBuffer = keyLength <= 256 ? stackalloc byte[keyLength] : (rentedKey = ArrayPool<byte>.Shared.Rent(keyLength));
        var keyUtf8 = identity is null ? [] : WriteIdentityKey(identity, keyBuffer);
        var splitCount = identity is null ? 0 : IdentityKeySplitPrefixes.Length;
        double[]? rentedSplits = null;
        var splits = splitCount <= 256 ? stackalloc double[splitCount] : (rentedSplits = ArrayPool<double>.Shared.Rent(splitCount)).AsSpan(0, splitCount);
        splits.Fill(double.NaN);
        var scope = new EvaluationScope(this, identity, keyUtf8, splits);

        var featureCount = _features.Length;
        int[]? rentedPicks = null;
        double[]? rentedPriorities = null;
        var picks = featureCount <= 256 ? stackalloc int[featureCount] : (rentedPicks = ArrayPool<int>.Shared.Rent(featureCount)).AsSpan(0, featureCount);
        var priorities = featureCount <= 256 ? stackalloc double[featureCount] : (rentedPriorities = ArrayPool<double>.Shared.Rent(featureCount)).AsSpan(0, featureCount);
        picks.Fill(-1);

        var segmentCount = _segments.Length;
        var matchedCount = 0;

        for (var s = 0; s < segmentCount; s++)
        {
            var segment = _segments[s];
            if (!segment.Matches(ref scope))
            {
                continue;
            }

            matchedSegments[matchedCount++] = s;
            foreach (var segmentOverride in segment.Overrides)
            {
                var f = segmentOverride.FeatureIndex;
                if (picks[f] < 0 || segmentOverride.Priority < priorities[f])
                {
                    picks[f] = segmentOverride.Id;
                    priorities[f] = segmentOverride.Priority;
                }
            }
        }

        var batch = default(VariantBatch);
        for (var f = 0; f < featureCount; f++)
        {
            var choice = picks[f] < 0 ? _features[f] : _overrides[picks[f]];
            if (batch.CanTake(choice, scope.HasIdentity, keyUtf8))
            {
                batch.Add(f, choice);
                if (batch.Count == Md5x8.Lanes)
                {
                    batch.Resolve(flags, keyUtf8);
                }
            }
            else
            {
                flags[f] = choice.Resolve(scope.HasIdentity, keyUtf8);
            }
        }

        batch.Resolve(flags, keyUtf8);

        if (identityOverrides is { Count: > 0 })
        {
            foreach (var identityOverride in identityOverrides)
            {
                if (_featureIndexByName.TryGetValue(identityOverride.Name, out var f))
                {
                    var reason = EvaluationReasons.TargetingMatch(EvaluationReasons.IdentityOverridesSegment);
                    flags[f] = new CompiledFeature(_features[f].Source, identityOverride, reason).Resolve(scope.HasIdentity, keyUtf8);
                }
            }
        }

        if (rentedPicks is not null)
        {
            ArrayPool<int>.Shared.Return(rentedPicks);
            ArrayPool<double>.Shared.Return(rentedPriorities!);
        }

        if (rentedKey is not null)
        {
            ArrayPool<byte>.Shared.Return(rentedKey);
        }

        if (rentedSplits is not null)
        {
            ArrayPool<double>.Shared.Return(rentedSplits);
        }

        return matchedCount;
    }

    /// <summary>The identity's key: its own when set and non-empty, else <c>{environment key}_{identifier}</c>.</summary>
    internal string IdentityKey(IdentityContext identity) =>
        string.IsNullOrEmpty(identity.Key) ? $"{Context.Environment.Key}_{identity.Identifier}" : identity.Key;

    private int IdentityKeyMaxByteCount(IdentityContext identity) =>
        string.IsNullOrEmpty(identity.Key)
            ? _environmentKeyPrefix.Length + Encoding.UTF8.GetMaxByteCount(identity.Identifier.Length)
            : Encoding.UTF8.GetMaxByteCount(identity.Key.Length);

    private ReadOnlySpan<byte> WriteIdentityKey(IdentityContext identity, Span<byte> buffer)
    {
        if (!string.IsNullOrEmpty(identity.Key))
        {
            return buffer[..Encoding.UTF8.GetBytes(identity.Key, buffer)];
        }

        _environmentKeyPrefix.CopyTo(buffer);
        return buffer[..(_environmentKeyPrefix.Length + Encoding.UTF8.GetBytes(identity.Identifier, buffer[_environmentKeyPrefix.Length..]))];
    }

    /// <summary>The whole context as JSONPath sees it, the identity (with its key written in) included.</summary>
    internal PathNode BuildContextTree(IdentityContext? identity, string? identityKey)
    {
        var members = new List<KeyValuePair<string, PathNode>>(_staticMembers);
        members[1] = new("identity", identity is null ? PathNode.FromValue(EngineValue.Null) : IdentityNode(identity, identityKey!));
        return PathNode.Object(members);
    }

    private static PathNode IdentityNode(IdentityContext identity, string key) => PathNode.Object(
    [
        new("identifier", PathNode.FromValue(identity.Identifier)),
        new("key", PathNode.FromValue(key)),
        new("traits", PathNode.Object([.. identity.Traits.Select(t => new KeyValuePair<string, PathNode>(t.Key, PathNode.FromValue(t.Value)))])),
    ]);

    private static PathNode EnvironmentNode(EnvironmentContext environment) => PathNode.Object(
    [
        new("key", PathNode.FromValue(environment.Key)),
        new("name", PathNode.FromValue(environment.Name)),
    ]);

    private static PathNode SegmentNode(SegmentContext segment)
    {
        var members = new List<KeyValuePair<string, PathNode>>
        {
            new("key", PathNode.FromValue(segment.Key)),
            new("name", PathNode.FromValue(segment.Name)),
            new("rules", PathNode.Array([.. segment.Rules.Select(RuleNode)])),
        };
        if (segment.Overrides.Count > 0)
        {
            members.Add(new("overrides", PathNode.Array([.. segment.Overrides.Select(FeatureNode)])));
        }

        if (segment.Metadata is { } metadata)
        {
            members.Add(new("metadata", PathNode.FromJson(metadata)));
        }

        return PathNode.Object(members);
    }

    private static PathNode RuleNode(RuleContext rule) => PathNode.Object(
    [
        new("type", PathNode.FromValue(rule.Type)),
        new("conditions", PathNode.Array([.. rule.Conditions.Select(c => PathNode.Object(
        [
            new("property", PathNode.FromValue(c.Property)),
            new("operator", PathNode.FromValue(c.Operator)),
            new("value", PathNode.FromValue(c.Value)),
        ]))])),
        new("rules", PathNode.Array([.. rule.Rules.Select(RuleNode)])),
    ]);

    private static PathNode FeatureNode(FeatureContext feature)
    {
        var members = new List<KeyValuePair<string, PathNode>>
        {
            new("key", PathNode.FromValue(feature.Key)),
            new("name", PathNode.FromValue(feature.Name)),
            new("enabled", PathNode.FromValue(feature.Enabled)),
            new("value", PathNode.FromValue(feature.Value)),
        };
        if (feature.Variants.Count > 0)
        {
            members.Add(new("variants", PathNode.Array([.. feature.Variants.Select(v =>
            {
                var variant = new List<KeyValuePair<string, PathNode>>
                {
                    new("value", PathNode.FromValue(v.Value)),
                    new("weight", PathNode.FromValue(v.Weight)),
                    new("priority", PathNode.FromValue(PriorityValue(v.Priority))),
                };
                if (v.Key is not null)
                {
                    variant.Add(new("key", PathNode.FromValue(v.Key)));
                }

                return PathNode.Object(variant);
            })])));
        }

        if (feature.Priority is { } priority)
        {
            members.Add(new("priority", PathNode.FromValue(PriorityValue(priority))));
        }

        if (feature.Metadata is { } metadata)
        {
            members.Add(new("metadata", PathNode.FromJson(metadata)));
        }

        return PathNode.Object(members);
    }

    private static EngineValue PriorityValue(double priority) =>
        Math.Floor(priority) == priority && Math.Abs(priority) < 9e15 ? EngineValue.FromInteger((long)priority) : EngineValue.FromDouble(priority);

    internal static JsonElement? NonEmptyMetadata(JsonElement? metadata) =>
        metadata is { ValueKind: JsonValueKind.Object } element && element.EnumerateObject().Any() ? element : null;
}

/// <summary>
/// A feature as a source of answers (the environment default, or a segment or identity override of it),
/// with every answer it can give prepared: the plain one, "control", and one per variant.
/// </summary>
internal class CompiledFeature
{
    private readonly CompiledVariant[] _variants;
    private readonly FlagResult _control;
    private readonly byte[] _hashPrefix;

    // A first variant of weight >= 100 takes every identity; no hash can change that.
    private readonly bool _firstVariantTakesAll;

    public CompiledFeature(FeatureContext feature, FeatureContext choice, string reason)
    {
        Source = feature;
        var metadata = CompiledEnvironment.NonEmptyMetadata(choice.Metadata);
        Plain = new FlagResult(feature.Name, choice.Enabled, choice.Value, reason, null) { Metadata = metadata };
        _control = Plain with { Variant = "control" };
        _hashPrefix = Encoding.UTF8.GetBytes(choice.Key + ",");

        var sorted = choice.Variants.Select((v, i) => (v, i)).OrderBy(p => p.v.Priority).ThenBy(p => p.i).Select(p => p.v);
        var variants = new List<CompiledVariant>();
        var start = 0.0;
        foreach (var variant in sorted)
        {
            var weight = variant.Weight.Kind is EngineValueKind.Integer or EngineValueKind.Double or EngineValueKind.Bool ? variant.Weight.ToDouble() : 0;
            var limit = start + weight;
            var result = new FlagResult(feature.Name, choice.Enabled, variant.Value, EvaluationReasons.Split(variant.Weight), variant.Key) { Metadata = metadata };
            variants.Add(new CompiledVariant(start, limit, result));
            start = limit;
        }

        _variants = [.. variants];
        _firstVariantTakesAll = _variants.Length > 0 && _variants[0].Start <= 0 && _variants[0].Limit >= 100;
    }

    public FeatureContext Source { get; }

    /// <summary>The answer without a variant pick (no identity, or no variants).</summary>
    public FlagResult Plain { get; }

    /// <summary>The key and comma that start this feature's hash input.</summary>
    public byte[] HashPrefix => _hashPrefix;

    /// <summary>True when the answer depends on the identity's hash.</summary>
    public bool NeedsHash(bool hasIdentity) => hasIdentity && _variants.Length > 0 && !_firstVariantTakesAll;

    public FlagResult Resolve(bool hasIdentity, ReadOnlySpan<byte> identityKeyUtf8)
    {
        if (!hasIdentity || _variants.Length == 0)
        {
            return Plain;
        }

        if (_firstVariantTakesAll)
        {
            return _variants[0].Result;
        }

        return Pick(PercentageHash.Percentage(_hashPrefix, identityKeyUtf8));
    }

    /// <summary>The variant whose range holds <paramref name="percentage"/>, else "control".</summary>
    public FlagResult Pick(double percentage)
    {
        foreach (var variant in _variants)
        {
            if (variant.Start <= percentage && percentage < variant.Limit)
            {
                return variant.Result;
            }
        }

        return _control;
    }

    private readonly record struct CompiledVariant(double Start, double Limit, FlagResult Result);
}

internal sealed class CompiledOverride(int id, int featureIndex, double priority, FeatureContext feature, FeatureContext choice, string reason)
    : CompiledFeature(feature, choice, reason)
{
    public int Id { get; } = id;

    public int FeatureIndex { get; } = featureIndex;

    public double Priority { get; } = priority;
}

internal sealed class CompiledSegment
{
    private readonly CompiledRule[] _rules;

    /// <param name="allOverrides">Every segment's overrides; an override's id is its index there.</param>
    public CompiledSegment(SegmentContext segment, CompilationScope compilation, IReadOnlyDictionary<string, int> featureIndexByName, List<CompiledOverride> allOverrides)
    {
        Result = new SegmentResult(segment.Name) { Metadata = CompiledEnvironment.NonEmptyMetadata(segment.Metadata) };
        _rules = CompiledRule.Order(segment.Rules.Select(r => new CompiledRule(r, segment, compilation)));
        var reason = EvaluationReasons.TargetingMatch(segment.Name);
        var overrides = new List<CompiledOverride>();
        foreach (var o in segment.Overrides)
        {
            if (featureIndexByName.TryGetValue(o.Name, out var f))
            {
                var compiled = new CompiledOverride(allOverrides.Count, f, o.Priority ?? double.PositiveInfinity, o, o, reason);
                allOverrides.Add(compiled);
                overrides.Add(compiled);
            }
        }

        Overrides = [.. overrides];
    }

    public SegmentResult Result { get; }

    public CompiledOverride[] Overrides { get; }

    public bool Matches(ref EvaluationScope scope)
    {
        if (_rules.Length == 0)
        {
            return false;
        }

        foreach (var rule in _rules)
        {
            if (!rule.Matches(ref scope))
            {
                return false;
            }
        }

        return true;
    }
}

/// <summary>
/// Up to eight features waiting for their variant hash, hashed together by <see cref="Md5x8"/> (one MD5
/// leaves the core mostly idle, eight in the lanes of a vector cost little more).
/// </summary>
internal struct VariantBatch
{
    private Features _features;
    private Indexes _indexes;

    public int Count { get; private set; }

    public readonly bool CanTake(CompiledFeature choice, bool hasIdentity, ReadOnlySpan<byte> identityKeyUtf8) =>
        Md5x8.IsSupported && choice.NeedsHash(hasIdentity) && choice.HashPrefix.Length + identityKeyUtf8.Length <= Md5x8.MaxMessageLength;

    public void Add(int featureIndex, CompiledFeature choice)
    {
        _features[Count] = choice;
        _indexes[Count] = featureIndex;
        Count++;
    }

    /// <summary>Hashes the waiting features and writes their answers; a lone one is hashed on its own.</summary>
    public void Resolve(Span<FlagResult> flags, ReadOnlySpan<byte> identityKeyUtf8)
    {
        if (Count == 1)
        {
            flags[_indexes[0]] = _features[0].Resolve(hasIdentity: true, identityKeyUtf8);
        }
        else if (Count > 1)
        {
            EightPrefixes prefixes = default;
            for (var i = 0; i < Count; i++)
            {
                prefixes[i] = _features[i].HashPrefix;
            }

            Span<ulong> high = stackalloc ulong[Md5x8.Lanes];
            Span<ulong> low = stackalloc ulong[Md5x8.Lanes];
            Md5x8.Hash(((ReadOnlySpan<byte[]>)prefixes)[..Count], identityKeyUtf8, high, low);
            for (var i = 0; i < Count; i++)
            {
                var percentage = PercentageHash.FromDigest(high[i], low[i], _features[i].HashPrefix, identityKeyUtf8);
                flags[_indexes[i]] = _features[i].Pick(percentage);
            }
        }

        this = default;
    }

    [System.Runtime.CompilerServices.InlineArray(Md5x8.Lanes)]
    private struct Features
    {
        private CompiledFeature _element;
    }

    [System.Runtime.CompilerServices.InlineArray(Md5x8.Lanes)]
    private struct Indexes
    {
        private int _element;
    }

}

[System.Runtime.CompilerServices.InlineArray(Md5x8.Lanes)]
internal struct EightPrefixes
{
    private byte[] _element;
}
