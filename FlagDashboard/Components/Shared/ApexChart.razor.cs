using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FlagDashboard.Components.Shared;

public enum ApexChartType
{
    Area,
    Bar,
    Line,
}

/// <summary>One named line of a time chart.</summary>
public sealed record ApexSeries(string Name, IReadOnlyList<(DateTimeOffset Time, long Count)> Points);

/// <summary>An ApexCharts time chart: created once, its series replaced in place, drag-zoom reported back.</summary>
public sealed partial class ApexChart : ComponentBase, IAsyncDisposable
{
    public const string ModulePath = "./Components/Shared/ApexChart.razor.js";

    private ElementReference _element;
    private IJSObjectReference? _module;
    private IJSObjectReference? _chart;
    private DotNetObjectReference<ApexChart>? _self;
    private IReadOnlyList<ApexSeries>? _sentSeries;
    private bool _sentDark;
    private bool _disposed;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Parameter, EditorRequired]
    public IReadOnlyList<ApexSeries> Series { get; set; } = [];

    [Parameter]
    public ApexChartType Type { get; set; } = ApexChartType.Area;

    [Parameter]
    public bool Stacked { get; set; }

    [Parameter]
    public int Height { get; set; } = 320;

    [Parameter]
    public string? Title { get; set; }

    [Parameter]
    public string? TestId { get; set; }

    /// <summary>Draws the chart for a dark background.</summary>
    [Parameter]
    public bool Dark { get; set; }

    /// <summary>A range dragged on the chart.</summary>
    [Parameter]
    public EventCallback<(DateTimeOffset From, DateTimeOffset To)> OnZoom { get; set; }

    /// <summary>The chart's zoom reset: the caller goes back to its own range.</summary>
    [Parameter]
    public EventCallback OnResetZoom { get; set; }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (firstRender)
        {
            _module = await JS.InvokeAsync<IJSObjectReference>("import", ModulePath);
            _self = DotNetObjectReference.Create(this);
            _sentSeries = Series;
            _sentDark = Dark;
            var options = new
            {
                type = Type.ToString().ToLowerInvariant(),
                stacked = Stacked,
                height = Height,
                title = Title,
                dark = Dark,
                series = ToJs(Series),
            };
            _chart = await _module.InvokeAsync<IJSObjectReference>("create", _element, options, _self);
        }
        else if (_module is not null && !ReferenceEquals(_sentSeries, Series))
        {
            _sentSeries = Series;
            await _module.InvokeVoidAsync("update", _chart, ToJs(Series));
        }

        if (_module is not null && _chart is not null && _sentDark != Dark)
        {
            _sentDark = Dark;
            await _module.InvokeVoidAsync("theme", _chart, Dark);
        }
    }

    /// <summary>Called by the module when a range is dragged; times are epoch milliseconds.</summary>
    [JSInvokable]
    public Task ZoomedAsync(double fromMilliseconds, double toMilliseconds) =>
        OnZoom.InvokeAsync((FromEpoch(fromMilliseconds), FromEpoch(toMilliseconds)));

    /// <summary>Called by the module when the zoom is reset.</summary>
    [JSInvokable]
    public Task ZoomResetAsync() => OnResetZoom.InvokeAsync();

    /// <summary>The series as ApexCharts reads them: <c>{ name, data: [[epoch ms, count], …] }</c>.</summary>
    public static object[] ToJs(IReadOnlyList<ApexSeries> series) =>
        [.. series.Select(s => new { name = s.Name, data = s.Points.Select(p => new[] { p.Time.ToUnixTimeMilliseconds(), p.Count }).ToArray() })];

    private static DateTimeOffset FromEpoch(double milliseconds) => DateTimeOffset.FromUnixTimeMilliseconds((long)Math.Round(milliseconds));

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (_module is not null)
            {
                if (_chart is not null)
                {
                    await _module.InvokeVoidAsync("destroy", _chart);
                    await _chart.DisposeAsync();
                }

                await _module.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone, and the browser's page with it: nothing is left to clean up.
        }

        _self?.Dispose();
    }
}
