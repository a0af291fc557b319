using System.Text.RegularExpressions;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// The same thing said the same way on every page (issue 20's consistency items), on the quality tests' seeded data:
/// dates in the browser's language, one wording for a missing value, one verb for making a thing, charts' words and
/// colours, and the counts and lists that must leave archived features out.
/// </summary>
public sealed class DashboardConsistencyTests(SeededDashboard dashboard) : IClassFixture<SeededDashboard>, IAsyncDisposable
{
    private readonly List<IBrowserContext> _contexts = [];

    [Theory]
    [InlineData("de-DE", @"\b\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}\b")]
    [InlineData("en-US", @"\b\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}\s?[AP]M\b")]
    [InlineData("en-GB", @"\b\d{2}/\d{2}/\d{4} \d{2}:\d{2}\b")]
    public async Task DatesFollowTheBrowsersLanguage(string locale, string date)
    {
        var options = Viewing.All["desktop"].ContextOptions();
        options.Locale = locale;
        var page = await SignedInPageAsync(options);

        await OpenAsync(page, "environments", "environments-table");
        await Assertions.Expect(page.GetByTestId("environments-table").Locator("td[data-label='Last change']").First).ToHaveTextAsync(new Regex($"^\\s*{date}\\s*$"));
        await OpenAsync(page, $"identities/{dashboard.IdentityId}", "identity-flags");
        await Assertions.Expect(page.Locator("p", new() { HasTextRegex = new Regex("first seen") })).ToHaveTextAsync(new Regex(date));
    }

    [Fact]
    public async Task AMissingValueReadsNoValueOnTheIdentityPageAsOnTheFeaturesList()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, $"identities/{dashboard.IdentityId}", "identity-flags");
        await Assertions.Expect(page.GetByTestId("identity-flag-value-legacy_checkout")).ToHaveTextAsync("no value");
        await Assertions.Expect(page.GetByTestId("identity-flags")).Not.ToContainTextAsync("null");
    }

    [Fact]
    public async Task EveryButtonThatMakesAThingSaysNew()
    {
        var page = await SignedInPageAsync();
        var buttons = new Dictionary<string, (string Path, string TestId)>
        {
            ["New project"] = ("", "create-project"),
            ["New environment"] = ("environments", "create-environment"),
            ["New webhook"] = ($"environments/{dashboard.EnvironmentId}/webhooks", "create-webhook"),
            ["New feature"] = ("features", "create-feature"),
            ["New segment"] = ("segments", "create-segment"),
            ["New identity"] = ("identities", "create-identity"),
        };

        foreach (var (text, (path, testId)) in buttons)
        {
            await OpenAsync(page, path, testId);
            await Assertions.Expect(page.GetByTestId(testId)).ToHaveTextAsync(text, new() { IgnoreCase = true });
        }

        // A dialog's confirming button is "Create" under a "New …" title.
        await OpenAsync(page, "segments", "create-segment");
        await page.GetByTestId("create-segment").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-dialog .mud-dialog-title")).ToContainTextAsync("New segment");
        await Assertions.Expect(page.GetByTestId("name-dialog-save")).ToHaveTextAsync("Create", new() { IgnoreCase = true });
    }

    [Fact]
    public async Task TheUsagePageNamesItsLinesInPeoplesWordsAndLeavesArchivedFlagsOutOfTheCandidatesForRemoval()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, "usage", "top-flags");
        var legend = page.GetByTestId("api-calls-chart").Locator(".apexcharts-legend-text");
        // The seed identified users and reported evaluations: two lines.
        await Assertions.Expect(legend).ToHaveCountAsync(2);
        await Assertions.Expect(legend.Filter(new() { HasTextRegex = new Regex("^Identity requests$") })).ToHaveCountAsync(1);
        await Assertions.Expect(legend.Filter(new() { HasTextRegex = new Regex("^Evaluation reports$") })).ToHaveCountAsync(1);
        var unused = page.GetByTestId("unused-flags");
        await Assertions.Expect(unused.GetByTestId("unused-flag-api_version")).ToBeVisibleAsync();
        await Assertions.Expect(unused.GetByTestId("unused-flag-legacy_checkout")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task TheFeatureChartOffersTheUsagePagesRangesAndOpensOnOneThatFitsItsEvaluations()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, "usage", "range-presets");
        var usageRanges = await page.GetByTestId("range-presets").Locator("button").AllTextContentsAsync();
        await OpenAsync(page, $"features/{dashboard.FeatureId}", "evaluation-ranges");
        var featureRanges = page.GetByTestId("evaluation-ranges").Locator("button");

        await Assertions.Expect(featureRanges).ToHaveTextAsync([.. usageRanges.Select(t => t.Trim())]);
        // The seeded evaluations are minutes old: the last hour holds them all.
        await Assertions.Expect(page.GetByTestId("evaluations-range-1h")).ToHaveAttributeAsync("aria-pressed", "true");
        await Assertions.Expect(page.GetByTestId("evaluations-total")).ToHaveTextAsync("1,250");
    }

    [Fact]
    public async Task ChartLinesKeepTheirColoursInTheDarkTheme()
    {
        var light = await SeriesColoursAsync(dark: false);
        var dark = await SeriesColoursAsync(dark: true);

        Assert.All(light, line => Assert.Matches(@" (#[0-9a-fA-F]{6}|rgba?\(.+\))$", line));
        Assert.Equal(light, dark);
    }

    [Fact]
    public async Task TheSegmentsListSaysHowManyConditionsEachSegmentHasAndTheFirstOfThem()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, "segments", "segments-table");
        await Assertions.Expect(page.GetByTestId("segment-rules-beta_users")).ToContainTextAsync("3 conditions");
        await Assertions.Expect(page.GetByTestId("segment-rules-beta_users")).ToContainTextAsync("plan = beta");
        await Assertions.Expect(page.GetByTestId("segment-rules-internal_staff")).ToContainTextAsync("2 conditions");
    }

    [Fact]
    public async Task TheProjectsFeatureCountLeavesArchivedFeaturesOut()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, "", "projects-table");
        // The sample has nine features; legacy_checkout is archived.
        var web = page.GetByTestId("projects-table").Locator("tbody tr", new() { HasText = "Web" });
        await Assertions.Expect(web.Locator("td[data-label=Features]")).ToHaveTextAsync("8");
    }

    [Fact]
    public async Task ANewOrganisationNameIsCreatedOnlyWhenConfirmed()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, "", "projects-table");
        await page.Locator("input[data-testid=new-project-organisation]").FillAsync("Acme Typo");
        await page.Locator("input[data-testid=new-project-name]").FillAsync("Mobile");
        await page.GetByTestId("create-project").ClickAsync();
        var dialog = page.Locator(".mud-dialog");
        await Assertions.Expect(dialog).ToContainTextAsync("No organisation is named Acme Typo");
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Cancel", Exact = true }).ClickAsync();

        await Assertions.Expect(page.GetByText("No organisation is named Acme Typo: type an existing one, or confirm creating it.")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("organisations-table")).Not.ToContainTextAsync("Acme Typo");
        await Assertions.Expect(page.GetByTestId("projects-table")).Not.ToContainTextAsync("Mobile");
    }

    [Fact]
    public async Task TheCloneIconIsNotTheCopyIcon()
    {
        var page = await SignedInPageAsync();

        await OpenAsync(page, "environments", "environments-table");
        var clone = await page.GetByTestId("clone-environment").First.Locator("svg").InnerHTMLAsync();
        var copy = await page.GetByTestId("copy-client-key").First.Locator("svg").InnerHTMLAsync();

        Assert.NotEqual(copy, clone);
    }

    private async Task<IReadOnlyList<string>> SeriesColoursAsync(bool dark)
    {
        var viewing = Viewing.All[dark ? "desktop-dark" : "desktop"];
        var page = await SignedInPageAsync(viewing.ContextOptions());
        await OpenAsync(page, $"features/{dashboard.FeatureId}", "evaluations-chart");
        var series = page.GetByTestId("evaluations-chart").Locator(".apexcharts-series");
        await Assertions.Expect(series).ToHaveCountAsync(2);
        // Each line's name and stroke colour, as drawn.
        return await series.EvaluateAllAsync<string[]>(
            "all => all.map(s => s.getAttribute('seriesName') + ' ' + s.querySelector('path').getAttribute('stroke'))");
    }

    private async Task<IPage> SignedInPageAsync(BrowserNewContextOptions? options = null)
    {
        var context = await dashboard.Chromium.NewContextAsync(options ?? Viewing.All["desktop"].ContextOptions());
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        await new AdminPages(page, dashboard.App.BaseAddress).SignInAsync();
        return page;
    }

    private async Task OpenAsync(IPage page, string path, string readyTestId)
    {
        await page.GotoAsync(new Uri(dashboard.App.BaseAddress, path).ToString());
        await new DashboardShell(page).WaitForInteractiveAsync();
        await page.GetByTestId(readyTestId).First.WaitForAsync(new() { Timeout = 15000 });
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts)
        {
            await context.DisposeAsync();
        }
    }
}
