using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Usage;
using Microsoft.AspNetCore.Components;

namespace FlagDashboard.Usage;

/// <summary>A feature's evaluations over time, one line per environment, over a chosen range.</summary>
public sealed partial class FeatureEvaluationChart
{
    public static readonly IReadOnlyList<UsageRangePreset> Presets =
    [
        new("24h", "24 h", TimeSpan.FromHours(24)),
        new("7d", "7 d", TimeSpan.FromDays(7)),
        new("30d", "30 d", TimeSpan.FromDays(30)),
    ];

    private UsageRangePreset _preset = Presets[0];
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
            var series = await Usage.SeriesAsync(OrganisationId, new UsageSeriesRequest(
                UsageMetric.FlagEvaluations, UsageScope.Feature, FeatureId, null, now - _preset.Length, now, UsageGrouping.Environment));
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
