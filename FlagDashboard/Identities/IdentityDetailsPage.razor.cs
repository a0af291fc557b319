using FlagDashboard.Core.Access;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Segments;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Identities;

public partial class IdentityDetailsPage
{
    [Inject]
    private IdentityService Identities { get; set; } = null!;

    [Inject]
    private FeatureService Features { get; set; } = null!;

    [Inject]
    private EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private SegmentService Segments { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Parameter]
    public int Id { get; set; }

    private static readonly IReadOnlyList<(string, string)> Trail = [("Identities", "/identities")];

    private IdentityDetails? _identity;
    private IdentityEvaluation? _evaluation;
    private string _environmentName = "";
    private bool _missing;
    private bool _canEdit;
    private bool _canOverride;
    private string? _editing;
    private int _newTraitKey;
    private IReadOnlyList<FeatureSummary> _features = [];
    private int? _featureId;
    private bool _enabled = true;
    private FlagValueType _type = FlagValueType.None;
    private string _text = "";
    private string? _featureError;
    private string? _valueError;

    protected override async Task OnParametersSetAsync() => await LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _identity = await Identities.GetAsync(Id);
            var environment = await Environments.GetAsync(_identity.EnvironmentId);
            _environmentName = environment.Name;
            _features = await Features.ListAsync(environment.ProjectId);
            var can = await Access.ForProjectAsync(environment.ProjectId);
            _canEdit = can.CanEdit;
            _canOverride = can.CanChangeStates(environment.Id);
            // What the SDK API answers this identity now, and why: its overrides, its segments, or the environment.
            _evaluation = await Segments.EvaluateIdentityAsync(_identity.EnvironmentId, _identity.Identifier, _identity.Traits.ToDictionary(t => t.Key, t => t.Value, StringComparer.Ordinal));
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            _missing = true;
        }
    }

    private async Task<string?> SaveTraitAsync(string key, FlagValue value)
    {
        var problem = await DashboardDialogs.TryAsync(() => Identities.SetTraitAsync(Id, key, value));
        if (problem is null)
        {
            Snackbar.Add($"Saved trait {key} ({TraitEditor.TypeName(value.Type)}).", Severity.Success);
            _editing = null;
            _newTraitKey++;
            await LoadAsync();
            // Called through a Func, not an EventCallback: this page does not re-render by itself.
            StateHasChanged();
        }

        return problem;
    }

    private async Task DeleteTraitAsync(string key)
    {
        if (await Dialogs.ConfirmAsync($"Delete trait {key}?", "Segments that test this trait see it unset from now on.")
            && await Snackbar.RunAsync(() => Identities.SetTraitAsync(Id, key, FlagValue.None), $"Deleted trait {key}."))
        {
            await LoadAsync();
        }
    }

    private async Task AddOverrideAsync()
    {
        _featureError = _featureId is null ? "Choose the feature to override." : null;
        _valueError = TypedValueField.TryParse(_type, _text, out var value, out var error) ? null : error;
        if (_featureError is null && _valueError is null)
        {
            var feature = _features.First(f => f.Id == _featureId);
            if (await SetOverrideAsync(feature.Id, feature.Name, _enabled, value))
            {
                _featureId = null;
                _text = "";
            }
        }
    }

    private async Task<bool> SetOverrideAsync(int featureId, string featureName, bool enabled, FlagValue value)
    {
        var saved = await Snackbar.RunAsync(() => Identities.SetOverrideAsync(Id, featureId, enabled, value), $"{featureName} is overridden for {_identity!.Identifier}.");
        await LoadAsync();
        return saved;
    }

    private async Task RemoveOverrideAsync(IdentityOverrideView item)
    {
        if (await Dialogs.ConfirmAsync($"Remove the override of {item.FeatureName}?", "The identity gets its segments' and the environment's value again.", "Remove")
            && await Snackbar.RunAsync(() => Identities.RemoveOverrideAsync(Id, item.FeatureId), $"Removed the override of {item.FeatureName}."))
        {
            await LoadAsync();
        }
    }

    private async Task DeleteAsync()
    {
        if (await Dialogs.ConfirmAsync($"Delete {_identity!.Identifier}?", "This deletes the identity with its traits and overrides. An SDK that identifies it again creates it afresh.")
            && await Snackbar.RunAsync(() => Identities.DeleteAsync(Id), $"Deleted identity {_identity.Identifier}."))
        {
            Navigation.NavigateTo("/identities");
        }
    }

    /// <summary>The engine's reason in the dashboard's words: which override, segment or default decided the flag.</summary>
    internal static string DescribeReason(string reason)
    {
        const string segmentPrefix = "TARGETING_MATCH; segment=";
        if (reason.StartsWith(segmentPrefix, StringComparison.Ordinal))
        {
            var segment = reason[segmentPrefix.Length..];
            return segment == "identity_overrides" ? "Identity override" : $"Segment {segment}";
        }

        return reason.StartsWith("SPLIT", StringComparison.Ordinal) ? $"Environment default, multivariate split ({reason[(reason.IndexOf('=') + 1)..]} %)" : "Environment default";
    }
}
