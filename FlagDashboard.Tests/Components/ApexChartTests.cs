using System.Text.Json;
using Bunit;
using FlagDashboard.Components.Shared;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;

namespace FlagDashboard.Tests.Components;

public sealed class ApexChartTests : BunitContext
{
    private static readonly DateTimeOffset Start = new(2026, 11, 25, 10, 0, 0, TimeSpan.Zero);

    private readonly BunitJSModuleInterop _module;

    public ApexChartTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        _module = JSInterop.SetupModule(ApexChart.ModulePath);
    }

    [Fact]
    public void TheFirstRenderImportsTheModuleAndCreatesTheChartWithTimesInEpochMilliseconds()
    {
        Render<ApexChart>(p => p.Add(c => c.Series, Series(("flags", 3), ("identities", 1))).Add(c => c.Stacked, true).Add(c => c.Title, "API calls"));

        var create = Assert.Single(_module.Invocations["create"]);
        var options = JsonSerializer.SerializeToElement(create.Arguments[1]);
        Assert.Equal("area", options.GetProperty("type").GetString());
        Assert.True(options.GetProperty("stacked").GetBoolean());
        Assert.Equal("API calls", options.GetProperty("title").GetString());
        var series = options.GetProperty("series");
        Assert.Equal("flags", series[0].GetProperty("name").GetString());
        Assert.Equal(Start.ToUnixTimeMilliseconds(), series[0].GetProperty("data")[0][0].GetInt64());
        Assert.Equal(3, series[0].GetProperty("data")[0][1].GetInt64());
        Assert.Equal(Start.AddMinutes(1).ToUnixTimeMilliseconds(), series[1].GetProperty("data")[0][0].GetInt64());
    }

    [Fact]
    public void NewSeriesAreSentWithUpdateNotASecondCreate()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, Series(("flags", 3))));

        cut.Render(p => p.Add(c => c.Series, Series(("flags", 5), ("traits", 2))));

        Assert.Single(_module.Invocations["create"]);
        var update = Assert.Single(_module.Invocations["update"]);
        var series = JsonSerializer.SerializeToElement(update.Arguments[1]);
        Assert.Equal(2, series.GetArrayLength());
        Assert.Equal(5, series[0].GetProperty("data")[0][1].GetInt64());
    }

    [Fact]
    public void SwitchingToDarkRethemesTheChartInPlace()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, Series(("flags", 3))));
        Assert.Empty(_module.Invocations["theme"]);

        cut.Render(p => p.Add(c => c.Series, cut.Instance.Series).Add(c => c.Dark, true));

        Assert.Single(_module.Invocations["create"]);
        Assert.Equal(true, Assert.Single(_module.Invocations["theme"]).Arguments[1]);
    }

    [Fact]
    public async Task DisposingTheComponentDestroysTheChart()
    {
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, Series(("flags", 3))));

        await cut.Instance.DisposeAsync();

        Assert.Single(_module.Invocations["destroy"]);
    }

    [Fact]
    public async Task AZoomFromTheChartRaisesOnZoomWithTheRangeAsTimes()
    {
        (DateTimeOffset From, DateTimeOffset To)? zoomed = null;
        var resets = 0;
        var cut = Render<ApexChart>(p => p.Add(c => c.Series, Series(("flags", 3)))
            .Add(c => c.OnZoom, range => zoomed = range)
            .Add(c => c.OnResetZoom, () => resets++));

        await cut.InvokeAsync(() => cut.Instance.ZoomedAsync(Start.ToUnixTimeMilliseconds(), Start.AddHours(2).ToUnixTimeMilliseconds()));
        await cut.InvokeAsync(() => cut.Instance.ZoomResetAsync());

        Assert.Equal((Start, Start.AddHours(2)), zoomed);
        Assert.Equal(1, resets);
    }

    private static IReadOnlyList<ApexSeries> Series(params (string Name, long Count)[] lines) =>
        [.. lines.Select((line, i) => new ApexSeries(line.Name, [(Start.AddMinutes(i), line.Count), (Start.AddMinutes(i + 1), 0L)]))];
}
