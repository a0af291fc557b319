using System.Text.Json;
using FlagDashboard.Core.Data;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// Every dashboard page, with script, markup, template syntax, bidirectional overrides and long text planted in
/// everything the product stores (<see cref="HostileDashboard"/>), in Chromium at 1440 px: no dialog, no console
/// or page error, no element made from the planted markup, no Blazor error UI, nothing wider than the page; the
/// planted text is on each page as text. The feature page's and the usage page's charts (ApexCharts writes their
/// legends and tooltips as HTML) are hovered too. On SQLite and on PostgreSQL.
/// </summary>
public sealed class HostileInputPagesTests
{
    // Elements and attributes that only the planted markup could have made: the app itself writes none of them.
    private const string PlantedNodes = """
        () => {
          const found = [];
          const describe = el => el.outerHTML.slice(0, 160);
          for (const el of document.querySelectorAll('img[src="x"], svg[onload], [data-planted], [href^="javascript:" i], [src^="javascript:" i], [action^="javascript:" i], iframe, object, embed')) found.push(describe(el));
          for (const el of document.querySelectorAll('script')) if (el.textContent.includes('alert(')) found.push(describe(el));
          for (const el of document.querySelectorAll('*')) for (const attribute of el.attributes) if (attribute.name.startsWith('on')) found.push(`${attribute.name} on ` + describe(el));
          return found;
        }
        """;

    private const string PageOverflow = """
        () => {
          const width = document.documentElement.clientWidth;
          if (document.documentElement.scrollWidth <= width + 1) return null;
          const name = el => el.tagName.toLowerCase() + (el.dataset.testid ? `[data-testid=${el.dataset.testid}]` : '') + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).slice(0, 3).join('.') : '');
          const wide = [...document.body.querySelectorAll('*')].filter(el => el.getBoundingClientRect().right > width + 1 && ![...el.children].some(c => c.getBoundingClientRect().right > width + 1));
          return `${document.documentElement.scrollWidth} px wide in ${width} px: ` + wide.slice(0, 5).map(name).join('; ');
        }
        """;

    // The feature page's chart has a line per environment, named in its legend and tooltip; the usage page's lines are kinds of request.
    private static readonly Dictionary<string, (string TestId, bool NamesPlanted)> Charts = new(StringComparer.Ordinal)
    {
        ["feature"] = ("evaluations-chart", true),
        ["usage"] = ("api-calls-chart", false),
    };

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EveryPageShowsPlantedScriptMarkupAndLongTextAsText(DatabaseProvider provider)
    {
        await using var dashboard = new HostileDashboard(provider);
        await dashboard.InitializeAsync();
        await using var context = await dashboard.Chromium.NewContextAsync(Viewing.All["desktop"].ContextOptions());
        var page = await context.NewPageAsync();
        var errors = PageQuality.CollectErrors(page);
        page.Dialog += async (_, dialog) =>
        {
            lock (errors)
            {
                errors.Add($"dialog ({dialog.Type}): {dialog.Message}");
            }

            await dialog.DismissAsync();
        };
        await new AdminPages(page, dashboard.App.BaseAddress).SignInAsync();

        var failures = new List<string>();
        foreach (var (name, path, ready) in dashboard.SignedInPages())
        {
            failures.AddRange((await VisitAsync(page, dashboard, name, path, ready, errors)).Select(f => $"{name}: {f}"));
        }

        var log = dashboard.App.Log;
        var crash = log.IndexOf("Unhandled exception", StringComparison.Ordinal);
        if (crash >= 0)
        {
            failures.Add($"the app logged an unhandled exception:\n{log[Math.Max(0, crash - 200)..Math.Min(log.Length, crash + 1500)]}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} problems on {provider}:\n" + string.Join("\n", failures));
    }

    private static async Task<List<string>> VisitAsync(IPage page, HostileDashboard dashboard, string name, string path, string ready, List<string> errors)
    {
        lock (errors)
        {
            errors.Clear();
        }

        var failures = new List<string>();
        var showsData = ready != SeededDashboard.StaticPage;
        try
        {
            await page.GotoAsync(new Uri(dashboard.App.BaseAddress, path).ToString());
            if (showsData)
            {
                await new DashboardShell(page).WaitForInteractiveAsync();
            }

            await page.Locator(ready).First.WaitForAsync(new() { Timeout = 15000 });
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        }
        catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
        {
            failures.Add($"did not show {ready}: {exception.Message.Split('\n')[0]}");
        }

        // Without the planted text on the page, the checks below would pass for the wrong reason.
        if (showsData && !await ShowsPlantedTextAsync(page))
        {
            failures.Add("does not show any planted text");
        }

        if (Charts.TryGetValue(name, out var chart))
        {
            failures.AddRange(await HoverChartAsync(page, chart.TestId, chart.NamesPlanted));
        }

        // Judged as the hover left it (a chart's tooltip still open), before the screenshot, which can take long on a tall page.
        failures.AddRange((await page.EvaluateAsync<string[]>(PlantedNodes)).Select(node => $"element made from planted markup: {node}"));
        if (await page.EvaluateAsync<string?>(PageOverflow) is { } overflow)
        {
            failures.Add($"long text makes the page wider than the window: {overflow}");
        }

        await Browser.SaveScreenshotAsync(page, Path.Combine("hostile", name), fullPage: false);

        if (await page.EvaluateAsync<bool>("() => { const e = document.getElementById('blazor-error-ui'); return !!e && getComputedStyle(e).display !== 'none'; }"))
        {
            failures.Add("Blazor's error UI is showing");
        }

        lock (errors)
        {
            failures.AddRange(errors);
        }

        return failures;
    }

    private static async Task<bool> ShowsPlantedTextAsync(IPage page)
    {
        try
        {
            await Assertions.Expect(page.Locator("body")).ToContainTextAsync(HostileDashboard.Marker, new() { Timeout = 10000 });
            return true;
        }
        catch (PlaywrightException)
        {
            return false;
        }
    }

    /// <summary>
    /// Moves across the plot so that the tooltip comes up at each point; on the feature page the legend and the
    /// tooltip name each environment, the planted one included.
    /// </summary>
    private static async Task<IEnumerable<string>> HoverChartAsync(IPage page, string testId, bool namesPlanted)
    {
        var failures = new List<string>();
        var chart = page.GetByTestId(testId);
        if (namesPlanted)
        {
            try
            {
                await Assertions.Expect(chart.Locator(".apexcharts-legend-text").Filter(new() { HasText = HostileDashboard.Marker }).First).ToBeVisibleAsync();
            }
            catch (PlaywrightException exception)
            {
                failures.Add($"the chart's legend does not name the planted environment: {exception.Message.Split('\n')[0]}");
            }
        }

        // The mouse moves in the window: the plot must be in it.
        await chart.ScrollIntoViewIfNeededAsync();
        var plot = await chart.Locator(".apexcharts-grid").First.BoundingBoxAsync();
        if (plot is null)
        {
            failures.Add("the chart has no plot to hover");
            return failures;
        }

        var tooltips = new List<string>();
        for (var step = 0; step <= 40; step++)
        {
            await page.Mouse.MoveAsync(plot.X + (plot.Width * step / 40) - (step == 40 ? 2 : 0), plot.Y + (plot.Height / 2));
            tooltips.AddRange(await chart.Locator(".apexcharts-tooltip").AllInnerTextsAsync());
        }

        if (namesPlanted && !tooltips.Any(t => t.Contains(HostileDashboard.Marker, StringComparison.Ordinal)))
        {
            failures.Add($"the chart's tooltip never named the planted environment: {JsonSerializer.Serialize(tooltips.Distinct().Take(5))}");
        }

        return failures;
    }
}
