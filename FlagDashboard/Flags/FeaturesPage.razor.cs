using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Usage;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>The features of the selected environment: search, tag filter, inline switch and value, and the last day's evaluations.</summary>
public sealed partial class FeaturesPage
{
    /// <summary>The range of the table's sparklines.</summary>
    public static readonly TimeSpan SparklineRange = TimeSpan.FromHours(24);

    private IReadOnlyList<FeatureStateView> _states = [];
    private IReadOnlyDictionary<string, IReadOnlyList<long>> _evaluations = new Dictionary<string, IReadOnlyList<long>>();
    private int? _evaluationsOf;
    private string? _search;
    private IReadOnlyCollection<string> _tagFilter = [];
    private bool _showArchived;
    private int _archivedCount;
    private IReadOnlyDictionary<int, OverrideCounts> _overrides = new Dictionary<int, OverrideCounts>();
    private int? _busyStateId;
    private IReadOnlyDictionary<int, FeatureStaleness> _staleness = new Dictionary<int, FeatureStaleness>();
    private int? _stalenessOf;
    private bool _staleOnly;

    [Inject]
    private FeatureService Features { get; set; } = null!;

    [Inject]
    private ProjectService Projects { get; set; } = null!;

    [Inject]
    private UsageQueryService Usage { get; set; } = null!;

    [Inject]
    private StaleFlagService StaleFlags { get; set; } = null!;

    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private ILogger<FeaturesPage> Logger { get; set; } = null!;

    /// <summary>Whether the person may switch flags and set values in the selected environment.</summary>
    private bool CanSwitch => Selection.EnvironmentId is { } environmentId && Can.CanChangeStates(environmentId);

    private IReadOnlyList<string> AllTags =>
        [.. _states.SelectMany(s => s.Feature.Tags).Distinct(StringComparer.OrdinalIgnoreCase).Order(StringComparer.OrdinalIgnoreCase)];

    protected override async Task LoadAsync()
    {
        if (Selection.EnvironmentId is not { } environmentId)
        {
            _states = [];
            return;
        }

        var all = await Features.ListStatesAsync(environmentId, includeArchived: true);
        _archivedCount = all.Count(s => s.Feature.IsArchived);
        _states = _showArchived ? all : [.. all.Where(s => !s.Feature.IsArchived)];
        _overrides = await Features.OverrideCountsAsync(environmentId);
        // A switch or a value changes no count: the sparklines are read when the environment changes or on request.
        if (_evaluationsOf != environmentId)
        {
            _evaluations = await LoadEvaluationsAsync(environmentId);
            _evaluationsOf = environmentId;
        }

        if (_stalenessOf != Selection.ProjectId)
        {
            _staleness = await LoadStalenessAsync(Selection.ProjectId!.Value);
            _stalenessOf = Selection.ProjectId;
        }
    }

    private async Task RefreshEvaluationsAsync()
    {
        _evaluationsOf = null;
        _stalenessOf = null;
        await ReloadAsync();
    }

    /// <summary>One usage-store query for every row's stale badge: the project's last evaluations per feature and environment.</summary>
    private async Task<IReadOnlyDictionary<int, FeatureStaleness>> LoadStalenessAsync(int projectId)
    {
        try
        {
            return (await StaleFlags.ForProjectAsync(projectId)).ToDictionary(f => f.FeatureId);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Logger.LogWarning(exception, "Stale flags for the features table could not be read.");
            return new Dictionary<int, FeatureStaleness>();
        }
    }

    public static string StaleText(FeatureStaleness staleness) =>
        $"Not evaluated in any environment for {staleness.ThresholdDays} days; "
        + (staleness.LastEvaluated is { } last ? $"last evaluated {last.UtcDateTime:yyyy-MM-dd}." : "never evaluated (within the usage retention).");

    /// <summary>One query for every row's sparkline: the environment's evaluations of the last day, one line per feature.</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyList<long>>> LoadEvaluationsAsync(int environmentId)
    {
        try
        {
            var project = await Projects.GetAsync(Selection.ProjectId!.Value);
            var now = Clock.GetUtcNow();
            var series = await Usage.SeriesAsync(project.OrganisationId, new UsageSeriesRequest(
                UsageMetric.FlagEvaluations, UsageScope.Environment, environmentId, null, now - SparklineRange, now, UsageGrouping.Feature));
            return series.Series.ToDictionary(line => line.Key, line => (IReadOnlyList<long>)[.. line.Points.Select(p => p.Count)], StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            // The usage store (InfluxDB, say) may be down; the table is still worth showing without its sparklines.
            Logger.LogWarning(exception, "Evaluations for the features table could not be read.");
            return new Dictionary<string, IReadOnlyList<long>>();
        }
    }

    private IReadOnlyList<long> SparklineOf(string featureName) => _evaluations.GetValueOrDefault(featureName) ?? [];

    /// <summary>The table's filter: the search text in the name or description, every chosen tag, and staleness when asked.</summary>
    private bool Matches(FeatureStateView state)
    {
        var search = _search?.Trim();
        var textMatches = string.IsNullOrEmpty(search)
            || state.Feature.Name.Contains(search, StringComparison.OrdinalIgnoreCase)
            || (state.Feature.Description?.Contains(search, StringComparison.OrdinalIgnoreCase) ?? false);
        return textMatches && _tagFilter.All(tag => state.Feature.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            && (!_staleOnly || (_staleness.TryGetValue(state.Feature.Id, out var staleness) && staleness.IsStale));
    }

    private void FilterByTag(string tag) => _tagFilter = [.. _tagFilter.Append(tag).Distinct(StringComparer.OrdinalIgnoreCase)];

    private async Task ShowArchivedAsync(bool show)
    {
        _showArchived = show;
        await ReloadAsync();
    }

    private async Task ToggleAsync(FeatureStateView state, bool enabled)
    {
        _busyStateId = state.StateId;
        try
        {
            await FeatureActions.SetEnabledAsync(Features, Snackbar, state.Feature.Name, state.StateId, enabled, state.Value, state.StateVersion);
        }
        finally
        {
            _busyStateId = null;
        }

        await ReloadAsync();
    }

    private async Task CreateAsync()
    {
        var dialog = await Dialogs.ShowAsync<FeatureDialog>("New feature", new DialogParameters<FeatureDialog> { { d => d.ProjectId, Selection.ProjectId!.Value } }, FeatureDialog.Options);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task EditAsync(FeatureStateView state)
    {
        var dialog = await Dialogs.ShowAsync<FeatureDialog>($"Edit {state.Feature.Name}", new DialogParameters<FeatureDialog>
        {
            { d => d.ProjectId, Selection.ProjectId!.Value },
            { d => d.FeatureId, state.Feature.Id },
        }, FeatureDialog.Options);
        if (await dialog.Result is { Canceled: false })
        {
            await ReloadAsync();
        }
    }

    private async Task SetArchivedAsync(FeatureStateView state, bool archived)
    {
        await FeatureActions.SetArchivedAsync(Features, Snackbar, state.Feature, archived);
        await ReloadAsync();
    }

    private async Task DeleteAsync(FeatureStateView state)
    {
        if (await FeatureActions.DeleteAsync(Features, Dialogs, Snackbar, state.Feature))
        {
            await ReloadAsync();
        }
    }

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
