using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>One feature: its state in every environment side by side, its overrides, and its evaluations.</summary>
public sealed partial class FeaturePage
{
    private const int IdentityOverridesShown = 200;

    private static readonly IReadOnlyList<(string Text, string Href)> Trail = [("Features", "/features")];

    private Feature? _feature;
    private bool _missing;
    private int _organisationId;
    private IReadOnlyList<EnvironmentStateView> _environments = [];
    private IReadOnlyDictionary<int, string> _environmentNames = new Dictionary<int, string>();
    private Dictionary<int, IReadOnlyList<SegmentOverrideView>> _segmentOverrides = [];
    private IReadOnlyList<FeatureIdentityOverrideView> _identityOverrides = [];
    private bool _selectionFollowed;

    [Parameter]
    public int Id { get; set; }

    [Inject]
    private FeatureService Features { get; set; } = null!;

    [Inject]
    private SegmentService Segments { get; set; } = null!;

    [Inject]
    private ProjectService Projects { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    protected override async Task OnParametersSetAsync()
    {
        if (_feature is not null && _feature.Id != Id)
        {
            _feature = null;
            await ReloadAsync();
        }
    }

    protected override async Task LoadAsync()
    {
        try
        {
            var feature = await Features.GetAsync(Id);
            var project = await Projects.GetAsync(feature.ProjectId);
            var environments = await Features.ListEnvironmentStatesAsync(Id);
            var segmentOverrides = new Dictionary<int, IReadOnlyList<SegmentOverrideView>>();
            foreach (var environment in environments)
            {
                segmentOverrides[environment.EnvironmentId] = [.. (await Segments.ListOverridesAsync(environment.EnvironmentId, Id)).OrderBy(o => o.Priority)];
            }

            _identityOverrides = await Features.ListIdentityOverridesAsync(Id, IdentityOverridesShown);
            _organisationId = project.OrganisationId;
            _environments = environments;
            _environmentNames = environments.ToDictionary(e => e.EnvironmentId, e => e.EnvironmentName);
            _segmentOverrides = segmentOverrides;
            _feature = feature;
            _missing = false;

            // Opened by its address, the page brings the scope picker to the feature's project once.
            if (!_selectionFollowed && Selection.ProjectId != feature.ProjectId)
            {
                _selectionFollowed = true;
                Selection.Select(feature.ProjectId, environments.FirstOrDefault()?.EnvironmentId);
            }

            _selectionFollowed = true;
        }
        catch (NotFoundException)
        {
            _feature = null;
            _missing = true;
        }
    }

    private string EnvironmentName(int environmentId) => _environmentNames.GetValueOrDefault(environmentId) ?? $"Environment {environmentId}";

    private async Task ToggleAsync(EnvironmentStateView environment, bool enabled)
    {
        var state = environment.State;
        await SetEnabledAsync($"{_feature!.Name} in {environment.EnvironmentName}", state.StateId, enabled, state.Value, state.StateVersion);
    }

    private Task ToggleOverrideAsync(SegmentOverrideView item, string environmentName, bool enabled) =>
        SetEnabledAsync($"{_feature!.Name} for {item.SegmentName} in {environmentName}", item.StateId, enabled, item.Value, item.Version);

    private async Task SetEnabledAsync(string name, int stateId, bool enabled, FlagValue value, int version)
    {
        try
        {
            await Features.UpdateStateAsync(stateId, enabled, value, version);
            Snackbar.Add($"{name} is {(enabled ? "on" : "off")}.", Severity.Success);
        }
        catch (ConcurrencyConflictException)
        {
            Snackbar.Add($"Someone else changed {name} in the meantime; the page shows their change now. Apply yours again if it still holds.", Severity.Warning);
        }
        catch (NotFoundException)
        {
            Snackbar.Add($"{name} was removed by someone else.", Severity.Warning);
        }

        await ReloadAsync();
    }

    /// <summary>Moves one segment override up or down and saves the whole order.</summary>
    private async Task MoveAsync(EnvironmentStateView environment, int index, int by)
    {
        var order = _segmentOverrides[environment.EnvironmentId].ToList();
        var target = index + by;
        if (target < 0 || target >= order.Count)
        {
            return;
        }

        (order[index], order[target]) = (order[target], order[index]);
        try
        {
            await Segments.ReorderOverridesAsync(environment.EnvironmentId, Id, [.. order.Select(o => o.StateId)]);
            Snackbar.Add($"In {environment.EnvironmentName}, {string.Join(", then ", order.Select(o => o.SegmentName))}.", Severity.Success);
        }
        catch (ValidationException)
        {
            Snackbar.Add($"The segment overrides in {environment.EnvironmentName} changed in the meantime; here they are as they are now. Move them again if needed.", Severity.Warning);
        }

        await ReloadAsync();
    }

    private async Task EditWeightsAsync(EnvironmentStateView environment)
    {
        var name = $"{_feature!.Name} in {environment.EnvironmentName}";
        var dialog = await Dialogs.ShowAsync<WeightsDialog>($"Split of {name}", new DialogParameters<WeightsDialog>
        {
            { d => d.Name, name },
            { d => d.StateId, environment.State.StateId },
            { d => d.Version, environment.State.StateVersion },
            { d => d.Weights, environment.State.Weights },
        }, WeightsDialog.Options);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task EditAsync()
    {
        var dialog = await Dialogs.ShowAsync<FeatureDialog>($"Edit {_feature!.Name}", new DialogParameters<FeatureDialog>
        {
            { d => d.ProjectId, _feature.ProjectId },
            { d => d.FeatureId, _feature.Id },
        }, FeatureDialog.Options);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task ToggleArchivedAsync()
    {
        await FeatureActions.SetArchivedAsync(Features, Snackbar, Summary(_feature!), !_feature!.IsArchived);
        await ReloadAsync();
    }

    private async Task DeleteAsync()
    {
        if (await FeatureActions.DeleteAsync(Features, Dialogs, Snackbar, Summary(_feature!)))
        {
            Navigation.NavigateTo("/features");
        }
    }

    private static FeatureSummary Summary(Feature f) => new(f.Id, f.Name, f.Type, f.Description, f.Tags, f.IsArchived, f.Version);
}
