using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Usage;
using Microsoft.AspNetCore.Components;

namespace FlagDashboard.Usage;

/// <summary>A feature's evaluations over time, one line per environment, over a chosen range.</summary>
public sealed partial class FeatureEvaluationChart
{
    /// <summary>The usage page's ranges, so that "7 d" means the same on both.</summary>
    public static IReadOnlyList<UsageRangePreset> Presets => UsagePage.Presets;

    /// <summary>The range opened when the feature has no evaluations to fit.</summary>
    private static readonly UsageRangePreset NoDataPreset = Presets.Single(p => p.Id == "7d");

    /// <summary>Chosen on the first load to fit the evaluations there are, then by the person.</summary>
    private UsageRangePreset? _preset;
    private UsageSeries? _series;
    private IReadOnlyList<ApexSeries> _chartSeries = [];
    private string? _error;
    private bool _loading;
    private int _loads;
    private (int, int)? _loadedFor;

    [Inject]
    private UsageQueryService Usage { get; set; } = null!;

    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    [CascadingParameter(Name = "DarkMode")]
    private bool DarkMode { get; set; }

    [Parameter, EditorRequired]
    public int OrganisationId { get; set; }

    [Parameter, EditorRequired]
    public int FeatureId { get; set; }

    /// <summary>Names for the lines, which the store keys by environment id.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyDictionary<int, string> EnvironmentNames { get; set; } = new Dictionary<int, string>();

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFor != (OrganisationId, FeatureId))
        {
            _loadedFor = (OrganisationId, FeatureId);
            _preset = null;
            await LoadAsync();
        }
    }

    /// <summary>Reads the series again, as after new evaluations.</summary>
    public Task RefreshAsync() => LoadAsync();

    private async Task ChooseAsync(UsageRangePreset preset)
    {
        _preset = preset;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var load = ++_loads;
        _loading = true;
        _error = null;
        try
        {
            var now = Clock.GetUtcNow();
            var preset = _preset ??= await FittingPresetAsync(now);
            var series = await Usage.SeriesAsync(OrganisationId, new UsageSeriesRequest(
                UsageMetric.FlagEvaluations, UsageScope.Feature, FeatureId, null, now - preset.Length, now, UsageGrouping.Environment));
            // Clicks can outrun queries: only the latest question's answer is shown.
            if (load != _loads)
            {
                return;
            }

            _series = series;
            _chartSeries = ChartLines(series);
        }
        catch (ValidationException exception)
        {
            _error = exception.Message;
        }
        finally
        {
            _loading = false;
        }
    }

    /// <summary>
    /// The shortest range that still holds the oldest evaluation of the longest one, so that evaluations begun an hour ago
    /// fill the chart rather than a sliver at its right edge; with none, <see cref="NoDataPreset"/>.
    /// </summary>
    private async Task<UsageRangePreset> FittingPresetAsync(DateTimeOffset now)
    {
        // The longest range is read in steps of hours: its oldest step is read again, from its start, in steps of minutes.
        var oldest = await OldestEvaluationAsync(now - Presets[^1].Length, now);
        if (oldest is { } coarse && coarse < now)
        {
            oldest = await OldestEvaluationAsync(coarse, now) ?? coarse;
        }

        return FittingPreset(Presets, now, oldest, NoDataPreset);
    }

    private async Task<DateTimeOffset?> OldestEvaluationAsync(DateTimeOffset from, DateTimeOffset to)
    {
        var series = await Usage.SeriesAsync(OrganisationId, new UsageSeriesRequest(
            UsageMetric.FlagEvaluations, UsageScope.Feature, FeatureId, null, from, to, UsageGrouping.None));
        return series.Series.SelectMany(line => line.Points).Where(p => p.Count > 0).Select(p => (DateTimeOffset?)p.Time).Min();
    }

    /// <summary>The shortest preset whose range starts at or before <paramref name="oldest"/>; the longest when none does.</summary>
    public static UsageRangePreset FittingPreset(IReadOnlyList<UsageRangePreset> presets, DateTimeOffset now, DateTimeOffset? oldest, UsageRangePreset noData) =>
        oldest is not { } start ? noData : presets.OrderBy(p => p.Length).FirstOrDefault(p => now - p.Length <= start) ?? presets.MaxBy(p => p.Length)!;

    /// <summary>A line for every environment, zeros where none was reported, so "not evaluated there" shows as a flat line.</summary>
    private List<ApexSeries> ChartLines(UsageSeries series)
    {
        var lines = series.Series.Select(line => new ApexSeries(LineName(line.Key), [.. line.Points.Select(p => (p.Time, p.Count))])).ToList();
        var length = series.Step;
        var slots = (int)((series.To - series.From).Ticks / length.Ticks);
        foreach (var (id, name) in EnvironmentNames.OrderBy(e => e.Key))
        {
            if (series.Series.All(line => line.Key != id.ToString(System.Globalization.CultureInfo.InvariantCulture)))
            {
                lines.Add(new ApexSeries(name, [.. Enumerable.Range(0, slots).Select(i => (series.From + (length * i), 0L))]));
            }
        }

        return lines;
    }

    private string LineName(string key) =>
        int.TryParse(key, out var id) && EnvironmentNames.TryGetValue(id, out var name) ? name : key;
}
