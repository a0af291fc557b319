using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.E2E;
using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.Usage;

/// <summary>SDK traffic into a running app, then looked at on the usage page: the window, the total, presets and drag-zoom.</summary>
[Trait(AppProcess.TraitName, AppProcess.TraitValue)]
public sealed class UsagePageTests : BrowserTest
{
    private const int FlagsCalls = 7;
    private const int IdentityCalls = 2;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Counts reach the store within a second, so the page shows them without a long wait.
    protected override IReadOnlyDictionary<string, string> AppSettings { get; } = new Dictionary<string, string> { ["Usage__FlushInterval"] = "00:00:01" };

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
    }

    [Fact]
    public async Task TheUsagePageShowsTheSdkCallsWithTheirWindowAndADragZoomQueriesAFinerWindow()
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await new LoginPage(page, App.BaseAddress).OpenAsync();
        await new LoginPage(page, App.BaseAddress).SignInAsync(AppWithAdminFixture.Email, AppWithAdminFixture.Password);
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();
        await Interactive.RetryAsync(async () =>
        {
            await shell.NavLink("usage").ClickAsync();
            await page.Locator(".apexcharts-canvas").WaitForAsync(new() { Timeout = 3000 });
        });
        var usage = new UsagePage(page);
        await Assertions.Expect(usage.EmptyState).ToContainTextAsync("api/v1/");
        await Assertions.Expect(usage.Total).ToHaveTextAsync("0");
        await Browser.SaveScreenshotAsync(page, "usage-empty");

        await SendSdkTrafficAsync();
        await WaitUntilFlushedAsync(FlagsCalls + IdentityCalls + 1);
        await usage.Range("1h").ClickAsync();
        await Assertions.Expect(usage.Total).ToHaveTextAsync($"{FlagsCalls + IdentityCalls + 1}");
        await Assertions.Expect(usage.WindowLabel).ToHaveTextAsync("1-minute windows");
        await Assertions.Expect(usage.MonthTotal).ToHaveTextAsync($"{FlagsCalls + IdentityCalls + 1}");
        await Assertions.Expect(usage.EmptyState).Not.ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("usage-scope")).ToHaveTextAsync("Web / Development");
        await Assertions.Expect(page.GetByTestId("top-flags").Locator("tr").First).ToContainTextAsync("welcome_banner5");
        await Assertions.Expect(page.GetByTestId("top-flags").Locator("tr")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("unused-flags")).ToContainTextAsync("dark_mode");
        await Assertions.Expect(page.GetByTestId("unused-flags")).Not.ToContainTextAsync("welcome_banner");
        await Browser.SaveScreenshotAsync(page, "usage");

        // Live: traffic sent while the page is open shows without a click, within the refresh and flush intervals.
        using (var sdk = App.CreateClient())
        {
            sdk.DefaultRequestHeaders.Add("X-Environment-Key", SampleDocuments.DevelopmentKey);
            Assert.Equal(HttpStatusCode.OK, (await sdk.GetAsync("api/v1/flags/", Cancel)).StatusCode);
        }

        await Assertions.Expect(usage.Total).ToHaveTextAsync($"{FlagsCalls + IdentityCalls + 2}", new() { Timeout = 25000 });

        await usage.Range("7d").ClickAsync();
        await Assertions.Expect(usage.WindowLabel).ToHaveTextAsync("30m steps of 15-minute windows");
        await Assertions.Expect(usage.Total).ToHaveTextAsync($"{FlagsCalls + IdentityCalls + 2}");

        await usage.Range("24h").ClickAsync();
        await Assertions.Expect(usage.WindowLabel).ToHaveTextAsync("3m steps of 1-minute windows");
        await Assertions.Expect(usage.Range("24h")).ToHaveAttributeAsync("aria-pressed", "true");

        // The chart redraws its plot when the 24 h series arrive; a drag that lands mid-redraw selects nothing.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await usage.DragAcrossChartAsync(0.45f, 0.65f);
                await Assertions.Expect(usage.WindowLabel).ToHaveTextAsync("1-minute windows", new() { Timeout = 2000 });
                break;
            }
            catch (PlaywrightException) when (attempt < 5)
            {
                // An assertion that fails throws PlaywrightException, not only TimeoutException: drag again.
            }
        }
        await Assertions.Expect(usage.ZoomedRange).ToBeVisibleAsync();
        await Browser.SaveScreenshotAsync(page, "usage-zoomed");

        await page.Locator(".apexcharts-reset-icon").ClickAsync();
        await Assertions.Expect(usage.WindowLabel).ToHaveTextAsync("3m steps of 1-minute windows");
        await Assertions.Expect(usage.ZoomedRange).Not.ToBeVisibleAsync();
        await Assertions.Expect(usage.Range("24h")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(usage.Total).ToHaveTextAsync($"{FlagsCalls + IdentityCalls + 2}");

        // The series shown, as CSV: one row per step and resource, adding up to the total.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var csv = (await File.ReadAllLinesAsync(await download.PathAsync(), Cancel)).ToList();
        Assert.Equal("time,key,count", csv[0]);
        Assert.Equal(FlagsCalls + IdentityCalls + 2, csv.Skip(1).Sum(row => long.Parse(row.Split(',')[^1], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.EndsWith("-3m.csv", download.SuggestedFilename);

        // The chart follows the dashboard's dark mode.
        await shell.DarkModeToggle.ClickAsync();
        await Assertions.Expect(page.Locator(".apexcharts-canvas")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("apexcharts-theme-dark"));
        await Browser.SaveScreenshotAsync(page, "usage-dark");
    }

    private async Task SendSdkTrafficAsync()
    {
        using var sdk = App.CreateClient();
        sdk.BaseAddress = new Uri(App.BaseAddress, "api/v1/");
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", SampleDocuments.DevelopmentKey);
        for (var i = 0; i < FlagsCalls; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sdk.GetAsync("flags/", Cancel)).StatusCode);
        }

        for (var i = 0; i < IdentityCalls; i++)
        {
            var identity = await sdk.PostAsync("identities/", new StringContent($$"""{"identifier": "page-{{i}}"}""", Encoding.UTF8, "application/json"), Cancel);
            Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
        }

        var analytics = await sdk.PostAsync("analytics/flags/", new StringContent("""{"welcome_banner": 5, "max_items": 2}""", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);
    }

    /// <summary>Reads the counts through the usage API (which counts no SDK call) until the flusher has stored them all.</summary>
    private async Task WaitUntilFlushedAsync(long expected)
    {
        var key = await App.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "usage-page");
        Assert.True(key.ExitCode == 0, key.Error);
        using var admin = App.CreateClient();
        admin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {key.Output.TrimEnd().Split('\n')[^1]}");
        await Eventually.GetAsync(
            async () => JsonNode.Parse(await admin.GetStringAsync("api/usage/series?metric=api_calls&scope=organisation", Cancel))!["total"]!.GetValue<long>(),
            total => total == expected, $"the flusher to store {expected} calls");
    }

    private sealed class UsagePage(IPage page)
    {
        public ILocator WindowLabel => page.GetByTestId("window-label");

        public ILocator Total => page.GetByTestId("range-total");

        public ILocator MonthTotal => page.GetByTestId("month-total");

        public ILocator EmptyState => page.GetByTestId("empty-state");

        public ILocator ZoomedRange => page.GetByTestId("zoomed-range");

        public ILocator Range(string id) => page.GetByTestId($"range-{id}");

        /// <summary>Drags across the plot area between two fractions of its width, as a person selects a range to zoom into.</summary>
        public async Task DragAcrossChartAsync(float fromFraction, float toFraction)
        {
            var grid = page.Locator(".apexcharts-grid").First;
            await grid.WaitForAsync(new() { State = WaitForSelectorState.Visible });
            var box = await grid.BoundingBoxAsync() ?? throw new PlaywrightException("The chart's plot area is being redrawn.");
            var y = box.Y + (box.Height / 2);
            await page.Mouse.MoveAsync(box.X + (box.Width * fromFraction), y);
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(box.X + (box.Width * toFraction), y, new() { Steps = 10 });
            await page.Mouse.UpAsync();
        }
    }
}
