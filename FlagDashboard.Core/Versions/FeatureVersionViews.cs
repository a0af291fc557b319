namespace FlagDashboard.Core.Versions;

/// <summary>A version in a feature's history in one environment; <see cref="IsLive"/> for the latest.</summary>
public sealed record FeatureVersionSummary(int Number, string Author, DateTimeOffset CreatedAt, string? Comment, bool IsLive);

/// <summary>A version with the states it holds.</summary>
public sealed record FeatureVersionDetail(int FeatureId, int EnvironmentId, FeatureVersionSummary Version, StatesSnapshot States);
