using System.Globalization;
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

/// <summary>One entry of <c>multivariate_feature_state_values</c>; an option without an id is known by its value.</summary>
internal sealed record DocumentWeight(double Percentage, long? OptionId, FlagValue OptionValue)
{
    /// <summary>
    /// The variant's priority: the document's <c>id</c>. Flagsmith leaves it out on some identity overrides,
    /// and the SDKs then order by <c>mv_fs_value_uuid</c> as a number, which is larger than any id: the
    /// reader numbers such values after every id in the document, in that order.
    /// </summary>
    public long Id { get; set; }

    public string OptionKey => OptionId is { } id ? id.ToString(CultureInfo.InvariantCulture) : $"value {OptionValue.ToJson()}";

    public string DescribeOption => OptionId is { } id ? $"option {id}" : $"the option of value {OptionValue.ToJson()}";
}

internal sealed record DocumentSegment(string Path, long Id, string Name, List<SegmentRule> Rules, IReadOnlyList<DocumentFeatureState> Overrides);

internal sealed record DocumentIdentity(string Path, string Identifier, IReadOnlyList<DocumentTrait> Traits, IReadOnlyList<DocumentFeatureState> Overrides);

/// <summary>A trait of an identity; a null value means the trait is absent, as <c>trait_value: null</c> deletes one.</summary>
internal sealed record DocumentTrait(string Key, FlagValue Value);
