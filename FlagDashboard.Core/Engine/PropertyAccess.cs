using FlagDashboard.Core.Engine.JsonPath;

namespace FlagDashboard.Core.Engine;

/// <summary>
/// The state of one evaluation: the identity, its key (as UTF-8 for hashing, as a string only when a
/// condition reads it), and the whole-context tree when a JSONPath needs it.
/// </summary>
internal ref struct EvaluationScope
{
    public readonly IdentityContext? Identity;

    /// <summary>The identity key as UTF-8; empty when there is no identity.</summary>
    public readonly ReadOnlySpan<byte> IdentityKeyUtf8;

    private readonly CompiledEnvironment _environment;
    private readonly Span<double> _identityKeySplits;
    private string? _identityKey;
    private PathNode? _root;

    /// <param name="identityKeySplits">One slot per split on the identity key, NaN until hashed.</param>
    public EvaluationScope(CompiledEnvironment environment, IdentityContext? identity, ReadOnlySpan<byte> identityKeyUtf8, Span<double> identityKeySplits)
    {
        _environment = environment;
        Identity = identity;
        IdentityKeyUtf8 = identityKeyUtf8;
        _identityKeySplits = identityKeySplits;
    }

    public readonly bool HasIdentity => Identity is not null;

    public string? IdentityKey => Identity is null ? null : _identityKey ??= _environment.IdentityKey(Identity);

    /// <summary>The whole context as JSONPath sees it, built on first use (only queries other than plain names need it).</summary>
    public PathNode Root => _root ??= _environment.BuildContextTree(Identity, IdentityKey);

    /// <summary>
    /// The identity key's hash for the split in <paramref name="slot"/>. The first one needed is hashed
    /// together with the next (up to seven) not yet hashed, in the lanes of one vector: eight hashes cost
    /// about what two do one by one, so hashing a few that short-circuiting would have skipped is cheaper.
    /// </summary>
    public readonly double IdentityKeySplit(int slot)
    {
        var cached = _identityKeySplits[slot];
        if (!double.IsNaN(cached))
        {
            return cached;
        }

        var prefixes = _environment.IdentityKeySplitPrefixes;
        EightPrefixes batch = default;
        Span<int> slots = stackalloc int[Md5x8.Lanes];
        var count = 0;
        // The requested slot goes first; one too long for a single block is hashed on its own.
        if (Md5x8.IsSupported && prefixes[slot].Length + IdentityKeyUtf8.Length <= Md5x8.MaxMessageLength)
        {
            for (var s = slot; s < prefixes.Length && count < Md5x8.Lanes; s++)
            {
                if (double.IsNaN(_identityKeySplits[s]) && prefixes[s].Length + IdentityKeyUtf8.Length <= Md5x8.MaxMessageLength)
                {
                    batch[count] = prefixes[s];
                    slots[count++] = s;
                }
            }
        }

        if (count < 2)
        {
            return _identityKeySplits[slot] = PercentageHash.Percentage(prefixes[slot], IdentityKeyUtf8);
        }

        Span<ulong> high = stackalloc ulong[Md5x8.Lanes];
        Span<ulong> low = stackalloc ulong[Md5x8.Lanes];
        Md5x8.Hash(((ReadOnlySpan<byte[]>)batch)[..count], IdentityKeyUtf8, high, low);
        for (var i = 0; i < count; i++)
        {
            _identityKeySplits[slots[i]] = PercentageHash.FromDigest(high[i], low[i], prefixes[slots[i]], IdentityKeyUtf8);
        }

        return _identityKeySplits[slot];
    }
}

/// <summary>
/// How a condition finds its context value: the identity key as it is (PERCENTAGE_SPLIT with an empty
/// property), else a trait named exactly as the property, else the property as a JSONPath query over
/// the whole context. Numeric-looking strings then become numbers.
/// </summary>
internal sealed class PropertyAccess
{
    private enum AccessKind
    {
        IdentityKeyAsIs,
        TraitOnly,
        Identifier,
        IdentityKey,
        TraitPath,
        Constant,
        Query,
    }

    private readonly AccessKind _kind;
    private readonly string _property;
    private readonly string? _pathTraitName;
    private readonly EngineValue _constant;
    private readonly JsonPathQuery? _query;

    private PropertyAccess(AccessKind kind, string property, string? pathTraitName = null, EngineValue constant = default, JsonPathQuery? query = null)
    {
        _kind = kind;
        _property = property;
        _pathTraitName = pathTraitName;
        _constant = constant;
        _query = query;
    }

    public static PropertyAccess IdentityKeyAsIs { get; } = new(AccessKind.IdentityKeyAsIs, "");

    public int Cost => _kind == AccessKind.Query ? 20 : 0;

    /// <param name="property">The condition's property.</param>
    /// <param name="staticRoot">The context without its identity, to resolve queries that cannot reach the identity once.</param>
    public static PropertyAccess For(string property, PathNode staticRoot)
    {
        if (!property.StartsWith("$.", StringComparison.Ordinal) || !JsonPathQuery.TryParse(property, out var query))
        {
            return new(AccessKind.TraitOnly, property);
        }

        var names = query!.NameChain;
        if (names is null)
        {
            return new(AccessKind.Query, property, query: query);
        }

        if (names.Count > 0 && names[0] == "identity")
        {
            return names switch
            {
                [_, "identifier"] => new(AccessKind.Identifier, property),
                [_, "key"] => new(AccessKind.IdentityKey, property),
                [_, "traits", var trait] => new(AccessKind.TraitPath, property, pathTraitName: trait),
                _ => new(AccessKind.Query, property, query: query),
            };
        }

        return new(AccessKind.Constant, property, constant: Scalar(query.First(staticRoot)));
    }

    /// <summary>The context value, or <see cref="EngineValue.Null"/> when unset.</summary>
    public EngineValue Resolve(ref EvaluationScope scope)
    {
        if (_kind == AccessKind.IdentityKeyAsIs)
        {
            return scope.IdentityKey is null ? EngineValue.Null : EngineValue.FromString(scope.IdentityKey);
        }

        if (scope.Identity is { } identity && identity.Traits.TryGetValue(_property, out var trait) && !trait.IsNull)
        {
            return Coerce(trait);
        }

        return _kind switch
        {
            AccessKind.Identifier when scope.Identity is not null => Coerce(EngineValue.FromString(scope.Identity.Identifier)),
            AccessKind.IdentityKey when scope.IdentityKey is not null => Coerce(EngineValue.FromString(scope.IdentityKey)),
            AccessKind.TraitPath when scope.Identity is not null && scope.Identity.Traits.TryGetValue(_pathTraitName!, out var value) => Coerce(Scalar(value)),
            AccessKind.Constant => Coerce(_constant),
            AccessKind.Query => Coerce(Scalar(_query!.First(scope.Root))),
            _ => EngineValue.Null,
        };
    }

    private static EngineValue Scalar(PathNode? node) => node is null ? EngineValue.Null : Scalar(node.Scalar);

    // Objects, arrays and null are unset.
    private static EngineValue Scalar(EngineValue value) =>
        value.Kind is EngineValueKind.Array or EngineValueKind.Object ? EngineValue.Null : value;

    private static EngineValue Coerce(EngineValue value) =>
        value.Kind == EngineValueKind.String ? PythonText.CoerceNumericString(value.AsString) : value;
}
