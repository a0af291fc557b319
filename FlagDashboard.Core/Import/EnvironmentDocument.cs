using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Core.Import;

/// <summary>A validated environment document, read by <see cref="EnvironmentDocumentReader"/>.</summary>
internal sealed record EnvironmentDocument(
    string ApiKey,
    string? Name,
    bool HideDisabledFlags,
    IReadOnlyList<DocumentFeatureState> FeatureStates,
    IReadOnlyList<DocumentSegment> Segments,
    IReadOnlyList<DocumentIdentity> IdentityOverrides)
{
    public IEnumerable<DocumentFeatureState> AllFeatureStates =>
        FeatureStates
            .Concat(Segments.SelectMany(s => s.Overrides))
            .Concat(IdentityOverrides.SelectMany(i => i.Overrides));
}

/// <summary>
/// A feature state of the document: the environment's own, a segment override (with its priority) or an
/// identity override. <see cref="HashKey"/> is <c>str(django_id)</c>, or <c>featurestate_uuid</c> without one.
/// </summary>
internal sealed record DocumentFeatureState(
    string Path,
    string FeatureName,
    FeatureType? FeatureType,
    bool Enabled,
    FlagValue Value,
    string HashKey,
    string? Uuid,
    int? SegmentPriority,
    IReadOnlyList<DocumentWeight> Weights);

/// <summary>One entry of <c>multivariate_feature_state_values</c>: <see cref="Id"/> is the variant's priority.</summary>
internal sealed record DocumentWeight(long Id, double Percentage, long OptionId, FlagValue OptionValue);

internal sealed record DocumentSegment(string Path, long Id, string Name, List<SegmentRule> Rules, IReadOnlyList<DocumentFeatureState> Overrides);

internal sealed record DocumentIdentity(string Path, string Identifier, IReadOnlyList<DocumentTrait> Traits, IReadOnlyList<DocumentFeatureState> Overrides);

/// <summary>A trait of an identity; a null value means the trait is absent, as <c>trait_value: null</c> deletes one.</summary>
internal sealed record DocumentTrait(string Key, FlagValue Value);
