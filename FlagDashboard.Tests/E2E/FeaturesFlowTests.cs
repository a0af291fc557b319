using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// A person sets up a project from nothing in the browser, creates a feature, switches it on, and follows
/// it to the SDK, to the table's sparkline and to the feature's page.
/// </summary>
public sealed class FeaturesFlowTests : BrowserTest
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    // Evaluations reach the store within a second, so the sparkline and the chart show them without a long wait.
    protected override IReadOnlyDictionary<string, string> AppSettings { get; } = new Dictionary<string, string> { ["Usage__FlushInterval"] = "00:00:01" };

    [Fact]
    public async Task AFeatureCreatedAndSwitchedOnInTheBrowserReachesTheSdkTheSparklineAndItsPage()
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await new LoginPage(page, App.BaseAddress).OpenAsync();
        await new LoginPage(page, App.BaseAddress).SignInAsync(AppWithAdminFixture.Email, AppWithAdminFixture.Password);
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();

        // A project and two environments, on the pages that exist for them; a new organisation is made only when confirmed.
        await TextBox(page, "new-project-organisation").FillAsync("Acme");
        await TextBox(page, "new-project-name").FillAsync("Shop");
        var confirmOrganisation = page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Create organisation", Exact = true });
        await Interactive.RetryAsync(async () =>
        {
            await page.GetByTestId("create-project").ClickAsync();
            await confirmOrganisation.ClickAsync(new() { Timeout = 2000 });
        });
        await Assertions.Expect(page.GetByTestId("projects-table")).ToContainTextAsync("Shop");
        await shell.NavLink("environments").ClickAsync();
        foreach (var environment in new[] { "Development", "Production" })
        {
            await TextBox(page, "new-environment-name").FillAsync(environment);
            await page.GetByTestId("create-environment").ClickAsync();
            await Assertions.Expect(page.GetByTestId("environments-table")).ToContainTextAsync(environment);
        }

        var developmentKey = (await page.GetByTestId("environments-table").Locator("tr", new() { HasText = "Development" }).GetByTestId("client-key").TextContentAsync())!.Trim();
        await page.GetByTestId("environment-picker").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Development" }).ClickAsync();

        // The features page starts empty and says what to do; the create dialog takes the focus, Escape closes it.
        await shell.NavLink("features").ClickAsync();
        await Assertions.Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No features yet");
        await page.GetByTestId("create-feature").ClickAsync();
        var name = TextBox(page, "feature-name");
        await Assertions.Expect(name).ToBeFocusedAsync();
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("feature-dialog")).ToHaveCountAsync(0);

        await page.GetByTestId("create-feature").ClickAsync();
        await Assertions.Expect(name).ToBeFocusedAsync();
        await TextBox(page, "feature-description").FillAsync("The one-page checkout");
        await TextBox(page, "feature-tags").FillAsync("checkout, beta");
        await name.FillAsync("new_checkout");
        await Browser.SaveScreenshotAsync(page, "feature-create-dialog");
        await name.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("feature-dialog")).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("features-table")).ToContainTextAsync("new_checkout");
        await Assertions.Expect(page.GetByText("Created feature new_checkout.")).ToBeVisibleAsync();

        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", developmentKey);
        Assert.False(await EnabledInSdkAsync(sdk, "new_checkout"));

        // Switched on in the table, the SDK answers enabled; how soon is a figure kept beside the screenshots.
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Enable new_checkout" });
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToBeCheckedAsync();
        var stopwatch = Stopwatch.StartNew();
        await Eventually.TrueAsync(() => EnabledInSdkAsync(sdk, "new_checkout"), "the SDK to answer enabled after the switch");

        var measured = $"SDK answered enabled {stopwatch.ElapsedMilliseconds} ms after the switch showed on.";
        TestContext.Current.TestOutputHelper?.WriteLine(measured);
        Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots"));
        await File.AppendAllTextAsync(Path.Combine(AppContext.BaseDirectory, "screenshots", "feature-switch-latency.txt"), $"{DateTimeOffset.UtcNow:O} {measured}\n", Cancel);
        await Assertions.Expect(page.GetByText("new_checkout is on.")).ToBeVisibleAsync();

        // Evaluations reported by an SDK show in the table's sparkline.
        var analytics = await sdk.PostAsync("api/v1/analytics/flags/", new StringContent("""{"new_checkout": 12}""", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);
        var sparkline = page.GetByTestId("sparkline-new_checkout");
        await Eventually.TrueAsync(async () =>
        {
            if (await sparkline.GetAttributeAsync("data-total") == "12")
            {
                return true;
            }

            await page.GetByTestId("refresh-evaluations").ClickAsync();
            return false;
        }, "the sparkline to count the reported evaluations");
        await Assertions.Expect(sparkline).ToHaveAttributeAsync("data-total", "12");
        await Assertions.Expect(sparkline.Locator("polyline")).ToHaveCountAsync(1);
        await Browser.SaveScreenshotAsync(page, "features-table");

        // The feature's page: every environment side by side, and the evaluations chart.
        await page.GetByTestId("feature-link-new_checkout").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/features/[0-9]+$"));
        await Assertions.Expect(page.GetByTestId("env-state-Development")).ToContainTextAsync("On");
        await Assertions.Expect(page.GetByTestId("env-state-Production")).ToContainTextAsync("Off");
        await Assertions.Expect(page.GetByTestId("evaluations-chart").Locator(".apexcharts-canvas")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("evaluations-total")).ToHaveTextAsync("12");
        await Assertions.Expect(page.GetByTestId("evaluations-chart")).ToContainTextAsync("Development");
        await Browser.SaveScreenshotAsync(page, "feature-page");

        // Deleting asks first; confirmed, the feature is gone from the SDK too.
        await page.GetByTestId("delete-feature").ClickAsync();
        await Assertions.Expect(page.GetByText("This cannot be undone.")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Delete", Exact = true }).ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/features$"));
        await Assertions.Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No features yet");
        await Eventually.TrueAsync(async () => await SdkFlagAsync(sdk, "new_checkout") is null, "the SDK to stop listing the deleted feature");
    }

    [Fact]
    public async Task AMultivariateFeatureKeepsItsWeightsWithinAHundredInTheDialogAndPerEnvironment()
    {
        var imported = await App.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        Assert.True(imported.ExitCode == 0, imported.Error);
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await new LoginPage(page, App.BaseAddress).OpenAsync();
        await new LoginPage(page, App.BaseAddress).SignInAsync(AppWithAdminFixture.Email, AppWithAdminFixture.Password);
        var shell = new DashboardShell(page);
        await shell.WaitForInteractiveAsync();
        await Interactive.RetryAsync(async () =>
        {
            await shell.NavLink("features").ClickAsync();
            await Assertions.Expect(page.GetByTestId("features-table")).ToContainTextAsync("welcome_banner", new() { Timeout = 3000 });
        });

        await page.GetByTestId("create-feature").ClickAsync();
        var name = TextBox(page, "feature-name");
        await Assertions.Expect(name).ToBeFocusedAsync();
        await name.FillAsync("button_colour");
        await page.GetByTestId("feature-type").ClickAsync();
        await page.GetByRole(AriaRole.Option, new() { Name = "Multivariate: options split by weight" }).ClickAsync();
        await page.GetByTestId("add-option").ClickAsync();
        await page.GetByTestId("add-option").ClickAsync();
        await TextBox(page, "option-0-value-text").FillAsync("red");
        await TextBox(page, "option-1-value-text").FillAsync("green");
        await TextBox(page, "option-1-weight").FillAsync("60");
        await Assertions.Expect(page.GetByTestId("weights-error")).ToContainTextAsync("The weights add up to 110 %");
        await Browser.SaveScreenshotAsync(page, "feature-create-dialog-weights");
        await name.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("feature-dialog")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("features-table")).Not.ToContainTextAsync("button_colour");

        await TextBox(page, "option-1-weight").FillAsync("40");
        await Assertions.Expect(page.GetByTestId("weights-error")).ToHaveCountAsync(0);
        await name.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("feature-dialog")).ToHaveCountAsync(0);

        await page.GetByTestId("feature-link-button_colour").ClickAsync();
        await Assertions.Expect(page.GetByTestId("weight-Development-red")).ToHaveTextAsync("50 %");
        await Assertions.Expect(page.GetByTestId("weight-Development-green")).ToHaveTextAsync("40 %");

        await page.GetByTestId("edit-weights-Development").ClickAsync();
        await TextBox(page, "weight-1").FillAsync("30");
        await TextBox(page, "weight-1").PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("weight-Development-green")).ToHaveTextAsync("30 %");
        await Assertions.Expect(page.GetByText("Saved the split of button_colour in Development.")).ToBeVisibleAsync();
        await Browser.SaveScreenshotAsync(page, "feature-page-multivariate");
    }

    private static ILocator TextBox(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    private static async Task<bool> EnabledInSdkAsync(HttpClient sdk, string feature) =>
        (await SdkFlagAsync(sdk, feature))?["enabled"]?.GetValue<bool>() ?? throw new InvalidOperationException($"The SDK does not list {feature}.");

    private static async Task<JsonNode?> SdkFlagAsync(HttpClient sdk, string feature)
    {
        var flags = JsonNode.Parse(await sdk.GetStringAsync("api/v1/flags/", Cancel))!.AsArray();
        return flags.FirstOrDefault(f => f!["feature"]!["name"]!.GetValue<string>() == feature);
    }
}
