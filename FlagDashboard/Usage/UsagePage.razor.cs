using System.Globalization;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.InfluxDb;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;

namespace FlagDashboard.Usage;

/// <summary>A range the page offers at a click.</summary>
public sealed record UsageRangePreset(string Id, string Name, TimeSpan Length);

public sealed partial class UsagePage
{
    /// <summary>Also the feature page's evaluation chart's ranges.</summary>
    public static readonly IReadOnlyList<UsageRangePreset> Presets =
    [
        new("1h", "1 h", TimeSpan.FromHours(1)),
        new("6h", "6 h", TimeSpan.FromHours(6)),
        new("24h", "24 h", TimeSpan.FromHours(24)),
        new("7d", "7 d", TimeSpan.FromDays(7)),
        new("30d", "30 d", TimeSpan.FromDays(30)),
        new("90d", "90 d", TimeSpan.FromDays(90)),
    ];

    private static readonly List<BreadcrumbItem> _breadcrumbs = [new("Home", "/"), new("Usage", null, disabled: true)];

    /// <summary>Ranges up to this long refresh on their own, so a rollout can be watched as it happens.</summary>
    private static readonly TimeSpan LiveUpTo = TimeSpan.FromHours(6);
    private static readonly TimeSpan LiveInterval = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _live = new();

    private UsageRangePreset _preset = Presets[0];

    [CascadingParameter(Name = "DarkMode")]
    private bool DarkMode { get; set; }

    [Inject]
    private IJSRuntime JS { get; set; } = null!;
    private (DateTimeOffset From, DateTimeOffset To)? _zoom;
    private UsageSeries? _series;
    private IReadOnlyList<ApexSeries> _chartSeries = [];
    private string? _error;
    private string? _scopeName;
    private (int ProjectId, int? EnvironmentId)? _scopeOf;
    private int _organisationId;
    private long? _monthTotal;
    private IReadOnlyList<FlagUsage>? _flags;
    private int _loads;

    [Inject]
    private UsageQueryService Usage { get; set; } = null!;

    [Inject]
    private IUsageStore Store { get; set; } = null!;

    /// <summary>InfluxDB's downsampling tasks that are missing or whose last run failed, as the last reconcile saw them.</summary>
    private IReadOnlyList<UsageTaskHealth> UnhealthyTasks => Store is InfluxUsageStore influx ? [.. influx.TaskHealth.Where(t => !t.Healthy)] : [];

    [Inject]
    private ProjectService Projects { get; set; } = null!;

    [Inject]
    private EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    private string SdkUrl => Navigation.ToAbsoluteUri("api/v1/").ToString();

    private string WindowLabel => _series is null ? "" : StepText(_series);

    private static string Count(long? count) => count?.ToString("N0", CultureInfo.InvariantCulture) ?? "…";

    public static string WindowText(UsageWindow window) => window switch
    {
        UsageWindow.OneMinute => "1-minute windows",
        UsageWindow.FifteenMinutes => "15-minute windows",
        UsageWindow.OneHour => "1-hour windows",
        _ => "1-day windows",
    };

    /// <summary>The distance between points, and the window read when it differs: "4 h steps of 1-hour windows".</summary>
    public static string StepText(UsageSeries series) =>
        series.Step == series.Window.Length() ? WindowText(series.Window) : $"{UsageWindows.StepLabel(series.Step)} steps of {WindowText(series.Window)}";

    /// <summary>A line's name in the legend: what the SDK asked for, in a person's words rather than the API's resource tag.</summary>
    public static string ResourceName(string resourceTag) => resourceTag switch
    {
        "flags" => "Flag requests",
        "identities" => "Identity requests",
        "traits" => "Trait updates",
        "environment_document" => "Environment document requests",
        "analytics" => "Evaluation reports",
        "other" => "Other requests",
        _ => resourceTag,
    };

    private static string RangeText(DateTimeOffset from, DateTimeOffset to) =>
        $"{from.UtcDateTime.ToString("g", CultureInfo.CurrentCulture)} – {to.UtcDateTime.ToString("g", CultureInfo.CurrentCulture)} UTC";

    protected override async Task LoadAsync()
    {
        _error = null;
        if (Selection.ProjectId is not { } projectId)
        {
            _series = null;
            return;
        }

        // Names and the organisation change only with the selection, not with every refresh.
        if (_scopeOf != (projectId, Selection.EnvironmentId))
        {
            var project = await Projects.GetAsync(projectId);
            _organisationId = project.OrganisationId;
            _scopeName = Selection.EnvironmentId is { } selected ? $"{project.Name} / {(await Environments.GetAsync(selected)).Name}" : $"{project.Name}, all environments";
            _scopeOf = (projectId, Selection.EnvironmentId);
        }

        // One reading of the clock: a preset of exactly 7 days must stay within the 15-minute threshold.
        var now = Clock.GetUtcNow();
        var (from, to) = _zoom ?? (now - _preset.Length, now);
        var (scope, id) = Selection.EnvironmentId is { } environmentId ? (UsageScope.Environment, environmentId) : (UsageScope.Project, projectId);
        var load = ++_loads;
        try
        {
            var series = await Usage.SeriesAsync(_organisationId, new UsageSeriesRequest(UsageMetric.ApiCalls, scope, id, null, from, to, UsageGrouping.Resource));
            var month = await Usage.MonthTotalAsync(_organisationId, UsageMetric.ApiCalls, projectId, Selection.EnvironmentId);
            // Evaluations are reported per environment: the flag lists need one chosen.
            var flags = Selection.EnvironmentId is { } flagsEnvironment ? await Usage.FlagsAsync(_organisationId, flagsEnvironment, from, to) : null;
            // Clicks can outrun queries: only the latest question's answer is shown.
            if (load != _loads)
            {
                return;
            }

            _series = series;
            _monthTotal = month;
            _flags = flags;
            _chartSeries = [.. series.Series.Select(line => new ApexSeries(ResourceName(line.Key), [.. line.Points.Select(p => (p.Time, p.Count))]))];
        }
        catch (ValidationException exception)
        {
            _error = exception.Message;
        }
    }

    protected override void OnAfterRender(bool firstRender)
    {
        if (firstRender)
        {
            _ = RefreshLiveAsync(_live.Token);
        }
    }

    protected override void OnDisposing()
    {
        _live.Cancel();
        _live.Dispose();
    }

    /// <summary>Every 10 seconds, a preset of up to 6 hours is read again; a zoom is kept and not moved.</summary>
    private async Task RefreshLiveAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LiveInterval, Clock);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                if (_preset.Length <= LiveUpTo && _zoom is null && !Loading)
                {
                    await InvokeAsync(async () =>
                    {
                        await ReloadAsync();
                        StateHasChanged();
                    });
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The page was left.
        }
    }

    private async Task ExportCsvAsync()
    {
        if (_series is null)
        {
            return;
        }

        await using var module = await JS.InvokeAsync<IJSObjectReference>("import", CopyButton.ModulePath);
        var name = $"api-calls-{_series.From.UtcDateTime:yyyyMMdd-HHmm}-{_series.To.UtcDateTime:yyyyMMdd-HHmm}-{UsageWindows.StepLabel(_series.Step)}.csv";
        await module.InvokeVoidAsync("download", name, UsageCsv.Write(_series), "text/csv");
    }

    private async Task ChoosePresetAsync(UsageRangePreset preset)
    {
        _preset = preset;
        _zoom = null;
        await ReloadAsync();
    }

    private async Task ZoomAsync((DateTimeOffset From, DateTimeOffset To) range)
    {
        if (range.To <= range.From)
        {
            return;
        }

        _zoom = range;
        await ReloadAsync();
    }

    private async Task ResetZoomAsync()
    {
        if (_zoom is null)
        {
            return;
        }

        _zoom = null;
        await ReloadAsync();
    }
}
