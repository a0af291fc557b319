using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// Every page, with seeded data, at 1440x900 and 390x844, in the light and the dark theme: no serious or critical
/// axe-core violation, nothing wider than the screen, no console or page error, no Blazor error UI. Screenshots of
/// every page at each size are kept under screenshots/quality/ in the test output for a person to look at.
/// </summary>
public sealed class DashboardQualityTests(SeededDashboard dashboard) : IClassFixture<SeededDashboard>
{
    private const string StaticPage = SeededDashboard.StaticPage;

    /// <summary>All four, or those named in FLAGDASHBOARD_QUALITY_VIEWINGS (comma-separated) to look at one while fixing it.</summary>
    public static TheoryData<string> Viewings =>
        [.. System.Environment.GetEnvironmentVariable("FLAGDASHBOARD_QUALITY_VIEWINGS")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? Viewing.All.Keys];

    [Theory]
    [MemberData(nameof(Viewings))]
    public async Task EverySignedInPagePassesTheQualityChecks(string viewingName)
    {
        var viewing = Viewing.All[viewingName];
        await using var context = await dashboard.Chromium.NewContextAsync(viewing.ContextOptions());
        var page = await context.NewPageAsync();
        var errors = PageQuality.CollectErrors(page);
        var admin = new AdminPages(page, dashboard.App.BaseAddress);
        await admin.SignInAsync();

        var failures = new List<string>();
        foreach (var (name, path, ready) in dashboard.SignedInPages())
        {
            await VisitAsync(page, viewing, name, path, ready, errors, failures, signedIn: true);
        }

        await CheckScheduleDialogAsync(page, viewing, errors, failures);
        Assert.True(failures.Count == 0, $"{failures.Count} problems at {viewing.Name}:\n" + string.Join("\n", failures));
    }

    /// <summary>A dialog, judged like a page: the feature page's Schedule dialog, opened in the same signed-in tab.</summary>
    private async Task CheckScheduleDialogAsync(IPage page, Viewing viewing, List<string> errors, List<string> failures)
    {
        const string name = "schedule-dialog";
        lock (errors)
        {
            errors.Clear();
        }

        try
        {
            await page.GotoAsync(new Uri(dashboard.App.BaseAddress, $"features/{dashboard.FeatureId}").ToString());
            await new DashboardShell(page).WaitForInteractiveAsync();
            await page.GetByTestId("schedule-Development").ClickAsync();
            await page.GetByTestId("schedule-at").WaitForAsync(new() { Timeout = 15000 });
            // MudBlazor's dialog fades in: let it finish before judging colours.
            await page.WaitForTimeoutAsync(400);
        }
        catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
        {
            failures.Add($"{name}: did not open: {exception.Message.Split('\n')[0]}");
        }

        await Browser.SaveScreenshotAsync(page, Path.Combine("quality", viewing.Name, name));
        failures.AddRange((await PageQuality.CheckAsync(page, viewing, signedIn: true)).Select(f => $"{name}: {f}"));
        lock (errors)
        {
            failures.AddRange(errors.Select(e => $"{name}: {e}"));
        }
    }

    [Theory]
    [MemberData(nameof(Viewings))]
    public async Task EverySignedOutPagePassesTheQualityChecks(string viewingName)
    {
        var viewing = Viewing.All[viewingName];
        await using var context = await dashboard.Chromium.NewContextAsync(viewing.ContextOptions());
        var page = await context.NewPageAsync();
        var errors = PageQuality.CollectErrors(page);

        var failures = new List<string>();
        // An unknown address signed out goes to sign-in, like every other address but the static pages.
        foreach (var (name, path, ready) in new[] { ("sign-in", "account/login", "[data-testid=login-email]"), ("error-signed-out", "error", StaticPage), ("not-found-signed-out", "not-found", StaticPage), ("unknown-signed-out", "no-such-page", "[data-testid=login-email]") })
        {
            await VisitAsync(page, viewing, name, path, ready, errors, failures, signedIn: false);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} problems at {viewing.Name}:\n" + string.Join("\n", failures));
    }

    [Fact]
    public async Task TheFeaturesListCountsOverridesAndTheIdentityPageShowsWhatDecidedEachFlag()
    {
        await using var context = await dashboard.Chromium.NewContextAsync(Viewing.All["desktop"].ContextOptions());
        var page = await context.NewPageAsync();
        var admin = new AdminPages(page, dashboard.App.BaseAddress);
        await admin.SignInAsync();

        await page.GotoAsync(new Uri(dashboard.App.BaseAddress, "features").ToString());
        // welcome_banner is off for nobody by default, but two segments override it; alice overrides dark_mode.
        await Assertions.Expect(page.GetByTestId("segment-overrides-welcome_banner")).ToHaveTextAsync("2 segment overrides");
        await Assertions.Expect(page.GetByTestId("identity-overrides-dark_mode")).ToHaveTextAsync("1 identity override");
        await Assertions.Expect(page.GetByTestId("segment-overrides-api_version")).ToHaveCountAsync(0);

        await page.GotoAsync(new Uri(dashboard.App.BaseAddress, $"identities/{dashboard.IdentityId}").ToString());
        await Assertions.Expect(page.GetByTestId("identity-segments")).ToContainTextAsync("beta_users");
        await Assertions.Expect(page.GetByTestId("identity-flag-reason-dark_mode")).ToHaveTextAsync("Identity override");
        await Assertions.Expect(page.GetByTestId("identity-flag-reason-welcome_banner")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex("^Segment (beta_users|power_users)$"));
        await Assertions.Expect(page.GetByTestId("identity-flag-reason-api_version")).ToHaveTextAsync("Environment default");
    }

    [Fact]
    public async Task TheOrganisationUsagePageShowsCallsByProjectAndEnvironmentThatAddUpToThePeriodTotal()
    {
        await using var context = await dashboard.Chromium.NewContextAsync(Viewing.All["desktop"].ContextOptions());
        var page = await context.NewPageAsync();
        var admin = new AdminPages(page, dashboard.App.BaseAddress);
        await admin.SignInAsync();

        await page.GotoAsync(new Uri(dashboard.App.BaseAddress, $"organisations/{dashboard.OrganisationId}/usage").ToString());

        await Assertions.Expect(page.GetByTestId("project-calls")).Not.ToHaveCountAsync(0);
        var total = long.Parse(await page.GetByTestId("period-total").TextContentAsync() ?? "", System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture);
        var byProject = await page.Locator("[data-testid=project-calls] [data-count]").EvaluateAllAsync<long[]>("cells => cells.map(c => Number(c.dataset.count))");
        var byEnvironment = await page.Locator("[data-testid=environment-calls] [data-count]").EvaluateAllAsync<long[]>("cells => cells.map(c => Number(c.dataset.count))");
        Assert.True(total > 0, "The seeded SDK calls are counted in this period.");
        Assert.Equal(total, byProject.Sum());
        Assert.Equal(total, byEnvironment.Sum());
        await Assertions.Expect(page.GetByTestId("organisation-top-flags")).ToContainTextAsync("welcome_banner");
    }

    private async Task VisitAsync(IPage page, Viewing viewing, string name, string path, string ready, List<string> errors, List<string> failures, bool signedIn)
    {
        lock (errors)
        {
            errors.Clear();
        }

        try
        {
            await page.GotoAsync(new Uri(dashboard.App.BaseAddress, path).ToString());
            signedIn &= ready != StaticPage;
            if (signedIn)
            {
                await new DashboardShell(page).WaitForInteractiveAsync();
            }

            await page.Locator(ready).First.WaitForAsync(new() { Timeout = 15000 });
            // Charts draw and MudBlazor's transitions end after the content arrives: let them finish before judging colours.
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await page.WaitForTimeoutAsync(400);
        }
        catch (Exception exception) when (exception is TimeoutException or PlaywrightException)
        {
            failures.Add($"{name}: did not show {ready}: {exception.Message.Split('\n')[0]}");
        }

        await Browser.SaveScreenshotAsync(page, Path.Combine("quality", viewing.Name, name));
        foreach (var failure in await PageQuality.CheckAsync(page, viewing, signedIn))
        {
            failures.Add($"{name}: {failure}");
        }

        lock (errors)
        {
            failures.AddRange(errors.Select(e => $"{name}: {e}"));
        }
    }
}
