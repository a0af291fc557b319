namespace FlagDashboard.Core.Flags;

public sealed record MultivariateOptionInput(int? Id, FlagValue Value, double DefaultWeight);

/// <summary>What a person sets on a feature. A feature with options is multivariate.</summary>
public sealed record FeatureInput(
    string Name,
    string? Description = null,
    IReadOnlyList<string>? Tags = null,
    bool DefaultEnabled = false,
    FlagValue InitialValue = default,
    IReadOnlyList<MultivariateOptionInput>? Options = null);

public sealed record WeightInput(int OptionId, double Percentage);

public sealed record FeatureSummary(int Id, string Name, FeatureType Type, string? Description, IReadOnlyList<string> Tags, bool IsArchived, int Version);

public sealed record WeightView(int OptionId, FlagValue OptionValue, double Percentage);

/// <summary>A feature with its default state in one environment, as the features table shows it.</summary>
public sealed record FeatureStateView(
    FeatureSummary Feature,
    int StateId,
    bool Enabled,
    FlagValue Value,
    int StateVersion,
    DateTimeOffset UpdatedAt,
    IReadOnlyList<WeightView> Weights);

/// <summary>A feature's default state in one environment, for the feature page that shows every environment side by side.</summary>
public sealed record EnvironmentStateView(int EnvironmentId, string EnvironmentName, FeatureStateView State);

/// <summary>An identity's override of one feature.</summary>
public sealed record FeatureIdentityOverrideView(int StateId, int EnvironmentId, int IdentityId, string Identifier, bool Enabled, FlagValue Value, int Version);

public sealed record OverrideCounts(int Segments, int Identities);
