using System.Diagnostics.CodeAnalysis;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Core.Sdk;

/// <summary>
/// An identity's traits as the engine reads them (by exact name), without copying them into a dictionary:
/// an identity has a handful of traits, and a scan that compares lengths first costs less than building a
/// hash table for each request. A later trait of the same name wins, as a dictionary filled in order would.
/// </summary>
internal sealed class SdkTraitView(IReadOnlyList<SdkTrait> traits) : IReadOnlyDictionary<string, EngineValue>
{
    public EngineValue this[string key] => TryGetValue(key, out var value) ? value : throw new KeyNotFoundException(key);

    public IEnumerable<string> Keys => Distinct().Select(t => t.Key);

    public IEnumerable<EngineValue> Values => Distinct().Select(t => t.Value);

    public int Count => Distinct().Count();

    public bool ContainsKey(string key) => IndexOf(key) >= 0;

    public bool TryGetValue(string key, [MaybeNullWhen(false)] out EngineValue value)
    {
        var index = IndexOf(key);
        value = index >= 0 ? traits[index].Value.ToEngineValue() : default;
        return index >= 0;
    }

    public IEnumerator<KeyValuePair<string, EngineValue>> GetEnumerator() => Distinct().GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    private int IndexOf(string key)
    {
        for (var i = traits.Count - 1; i >= 0; i--)
        {
            if (string.Equals(traits[i].Key, key, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    // In first-seen order with the last value, as a dictionary filled in order enumerates; only a JSONPath over the traits needs it.
    private IEnumerable<KeyValuePair<string, EngineValue>> Distinct()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var trait in traits)
        {
            if (seen.Add(trait.Key))
            {
                yield return new(trait.Key, traits[IndexOf(trait.Key)].Value.ToEngineValue());
            }
        }
    }
}
