using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// Names the product stores (here an environment's, which an admin API key or an imported document can set)
/// reach the charts' legends and tooltips as text: ApexCharts writes those as HTML.
/// </summary>
public sealed class ChartNamesTests : BrowserTest
{
    private const string HostileName = "<img src=x onerror=alert(document.domain)>";

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", "--environment", HostileName, ImportedEnvironment.SamplePath);
        // A second environment, so that the chart has two lines and shows its legend.
        var second = SampleDocuments.Text().Replace(SampleDocuments.DevelopmentKey, "SecondEnvironmentKey12", StringComparison.Ordinal);
        var path = Path.Combine(App.DataDirectory, "second-environment.json");
        await File.WriteAllTextAsync(path, second);
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", "--environment", "Production", path);
    }

    [Fact]
    public async Task AnEnvironmentNamedWithMarkupIsShownAsTextInTheEvaluationsChartLegend()
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        var dialogs = new List<string>();
        var consoleErrors = new List<string>();
        page.Dialog += async (_, dialog) =>
        {
            dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                consoleErrors.Add(message.Text);
            }
        };

        await new LoginPage(page, App.BaseAddress).OpenAsync();
        await new LoginPage(page, App.BaseAddress).SignInAsync(Email, Password);
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();
        await shell.NavLink("features").ClickAsync();
        await page.GetByTestId("feature-link-welcome_banner").ClickAsync();

        var chart = page.GetByTestId("evaluations-chart");
        var legend = chart.Locator(".apexcharts-legend-text");
        await Assertions.Expect(legend).ToHaveTextAsync([HostileName, "Production"]);

        Assert.Equal(0, await page.Locator("img[src=x]").CountAsync());
        Assert.Empty(dialogs);
        Assert.Empty(consoleErrors);
    }
}
