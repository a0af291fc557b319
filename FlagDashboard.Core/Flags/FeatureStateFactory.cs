using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Flags;

/// <summary>Keeps the invariant that every feature has exactly one default state in every environment of its project.</summary>
internal static class FeatureStateFactory
{
    public static FeatureState NewDefault(Feature feature, int environmentId, DateTimeOffset now, ref long nextWeightId) =>
        new()
        {
            Feature = feature.Id == 0 ? feature : null,
            FeatureId = feature.Id,
            EnvironmentId = environmentId,
            Enabled = feature.DefaultEnabled,
            Value = feature.InitialValue,
            HashKey = NewHashKey(out var uuid),
            Uuid = uuid,
            UpdatedAt = now,
            Weights = DefaultWeights(feature, ref nextWeightId),
        };

    public static string NewHashKey(out string uuid)
    {
        uuid = Guid.NewGuid().ToString();
        return uuid;
    }

    /// <summary>The next ids for weights: larger than any before, so new variants sort after existing ones.</summary>
    public static async Task<long> NextWeightExternalIdAsync(FlagDashboardDbContext db, CancellationToken cancellationToken) =>
        (await db.MultivariateWeights.MaxAsync(w => (long?)w.ExternalId, cancellationToken) ?? 0) + 1;

    public static List<MultivariateWeight> DefaultWeights(Feature feature, ref long nextWeightId)
    {
        var weights = new List<MultivariateWeight>(feature.Options.Count);
        foreach (var option in feature.Options)
        {
            weights.Add(new MultivariateWeight
            {
                Option = option.Id == 0 ? option : null,
                OptionId = option.Id,
                Percentage = option.DefaultWeight,
                ExternalId = nextWeightId++,
            });
        }

        return weights;
    }

    public static List<MultivariateWeight> CopyWeights(IEnumerable<MultivariateWeight> source) =>
        source.Select(w => new MultivariateWeight { OptionId = w.OptionId, Percentage = w.Percentage, ExternalId = w.ExternalId }).ToList();
}
