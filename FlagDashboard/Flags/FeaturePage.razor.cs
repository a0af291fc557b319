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
    private IReadOnlyDictionary<int, IReadOnlyList<SegmentOverrideView>> _segmentOverrides = new Dictionary<int, IReadOnlyList<SegmentOverrideView>>();
    private IReadOnlyList<FeatureIdentityOverrideView> _identityOverrides = [];
    private bool _selectionFollowed;
    private int _schedulesMade;

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
            var segmentOverrides = await Segments.ListOverridesOfFeatureAsync(Id);

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
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            _feature = null;
            _missing = true;
        }
    }

    // Any change of a state or an override changes its version, so the history knows to read itself again.
    private string HistoryStamp => string.Join(',', _environments.Select(e => e.State.StateVersion)
        .Select(v => $"{v}")
        .Concat(_segmentOverrides.Values.SelectMany(o => o).Select(o => $"{o.StateId}:{o.Version}")));

    private string EnvironmentName(int environmentId) => _environmentNames.GetValueOrDefault(environmentId) ?? $"Environment {environmentId}";

    private IReadOnlyList<SegmentOverrideView> OverridesIn(int environmentId) => _segmentOverrides.GetValueOrDefault(environmentId) ?? [];

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
