using FlagDashboard.Core.Data;
using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Sdk;

/// <summary>Stored data read into what the SDK API serves: the one place where the database meets the engine.</summary>
public sealed record EnvironmentData(
    int EnvironmentId,
    int ProjectId,
    int OrganisationId,
    string ClientKey,
    IReadOnlySet<string> ServerSideKeys,
    bool HideDisabledFlags,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<SdkFeature> Features,
    EvaluationContext Context)
{
    /// <summary>
    /// The organisation is over its allowance past the grace period and chose to serve defaults only: the
    /// context holds the features' project defaults and no overrides, and identities' own overrides are ignored.
    /// </summary>
    public bool ServesDefaultsOnly { get; init; }
}

/// <summary>A feature as the SDK flag objects describe it, with its environment state's id.</summary>
public sealed record SdkFeature(int Id, string Name, FeatureType Type, string? Description, bool DefaultEnabled, FlagValue InitialValue, int StateId);

public static class EnvironmentContextMapper
{
    /// <summary>
    /// Reads an environment into an evaluation context in the order the environment document lists things
    /// (features by id, segments by id, overrides by feature), so that the server and an SDK evaluating the
    /// served document locally see the same order, and so the same tie-breaks.
    /// </summary>
    public static async Task<EnvironmentData?> LoadAsync(FlagDashboardDbContext db, int environmentId, CancellationToken cancellationToken)
    {
        var environment = await db.Environments.AsNoTracking().Include(e => e.Project!).ThenInclude(p => p.Organisation).Include(e => e.ServerSideKeys)
            .SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken);
        if (environment is null)
        {
            return null;
        }

        var features = await db.Features.AsNoTracking().Include(f => f.Options)
            .Where(f => f.ProjectId == environment.ProjectId).OrderBy(f => f.Id)
            .ToDictionaryAsync(f => f.Id, cancellationToken);
        var states = await db.FeatureStates.AsNoTracking().Include(s => s.Weights)
            .Where(s => s.EnvironmentId == environmentId && s.IdentityId == null)
            .OrderBy(s => s.FeatureId).ThenBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var segments = await db.Segments.AsNoTracking().Where(s => s.ProjectId == environment.ProjectId).OrderBy(s => s.Id).ToListAsync(cancellationToken);
        var options = features.Values.SelectMany(f => f.Options).ToDictionary(o => o.Id);
        var defaultsOnly = environment.Project!.Organisation!.ServingDefaultsSince is not null;
        if (defaultsOnly)
        {
            // Targeting stops, the flags stay: each environment state becomes its feature's default, alone.
            states = [.. states.Where(s => s.SegmentId is null).Select(s => AsFeatureDefault(s, features[s.FeatureId]))];
        }

        var defaults = states.Where(s => s.SegmentId is null && features.ContainsKey(s.FeatureId)).ToList();
        var sdkFeatures = defaults.Select(s =>
        {
            var f = features[s.FeatureId];
            return new SdkFeature(f.Id, f.Name, f.Type, f.Description, f.DefaultEnabled, f.InitialValue, s.Id);
        }).ToList();
        var overridesBySegment = states.Where(s => s.SegmentId is not null && features.ContainsKey(s.FeatureId)).ToLookup(s => s.SegmentId!.Value);

        var context = new EvaluationContext
        {
            Environment = new EnvironmentContext(environment.ClientKey, environment.Name),
            Features = defaults.Select(s => Feature(s, features[s.FeatureId].Name, options)).ToList(),
            Segments = segments.Select(segment => new SegmentContext(segment.ExternalId.ToString(System.Globalization.CultureInfo.InvariantCulture), segment.Name)
            {
                Rules = segment.Rules.Select(Rule).ToList(),
                Overrides = overridesBySegment[segment.Id].Select(s => Feature(s, features[s.FeatureId].Name, options) with { Priority = s.SegmentPriority }).ToList(),
            }).ToList(),
        };

        return new EnvironmentData(
            environment.Id,
            environment.ProjectId,
            environment.Project!.OrganisationId,
            environment.ClientKey,
            environment.ServerSideKeys.Where(k => k.RevokedAt is null).Select(k => k.Key).ToHashSet(StringComparer.Ordinal),
            environment.Project.HideDisabledFlags,
            environment.DocumentUpdatedAt,
            sdkFeatures,
            context)
        {
            ServesDefaultsOnly = defaultsOnly,
        };
    }

    /// <summary>An environment state as its feature's project-level default: enabled and value from the feature, no weights.</summary>
    internal static FeatureState AsFeatureDefault(FeatureState state, Feature feature)
    {
        state.Enabled = feature.DefaultEnabled;
        state.Value = feature.InitialValue;
        state.Weights = [];
        return state;
    }

    /// <summary>An identity's overrides, as the engine applies them on top of segments.</summary>
    public static FeatureContext IdentityOverride(FeatureState state, string featureName) =>
        new(state.HashKey, featureName, state.Enabled, state.Value.ToEngineValue());

    private static FeatureContext Feature(FeatureState state, string name, IReadOnlyDictionary<int, MultivariateOption> options) =>
        new(state.HashKey, name, state.Enabled, state.Value.ToEngineValue())
        {
            Variants = state.Weights
                .Where(w => options.ContainsKey(w.OptionId))
                .OrderBy(w => w.ExternalId).ThenBy(w => w.Id)
                .Select(w => new VariantContext(options[w.OptionId].Value.ToEngineValue(), EngineValue.FromDouble(w.Percentage), w.ExternalId))
                .ToList(),
        };

    private static RuleContext Rule(SegmentRule rule) =>
        new(rule.Type switch
        {
            RuleType.All => "ALL",
            RuleType.Any => "ANY",
            RuleType.None => "NONE",
            _ => rule.Type.ToString().ToUpperInvariant(),
        })
        {
            Conditions = rule.Conditions.Select(c => new ConditionContext(c.Property, c.Operator, EngineValue.FromString(c.Value ?? ""))).ToList(),
            Rules = rule.Rules.Select(Rule).ToList(),
        };
}
