using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>The admin pages against the running app, on the sample Flagsmith environment imported on the command line.</summary>
public sealed class AdminDashboardTests : BrowserTest
{
    private const string ClientKey = SampleDocuments.DevelopmentKey;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    protected override async Task SeedAsync()
    {
        await base.SeedAsync();
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
    }

    [Fact]
    public async Task ASegmentBuiltWithARuleAndAnOverrideGivesAnIdentityWithAMatchingTraitTheOverride()
    {
        var (page, admin) = await OpenAsync();
        await Assertions.Expect(page.GetByTestId("projects-table")).ToContainTextAsync("Web");
        await Browser.SaveScreenshotAsync(page, "admin-projects");
        await admin.OpenAsync("segments", "segments-table");
        await Assertions.Expect(page.GetByTestId("segments-table")).ToContainTextAsync("beta_users");
        await Browser.SaveScreenshotAsync(page, "admin-segments");

        await page.GetByTestId("create-segment").ClickAsync();
        await admin.AnswerNameDialogAsync("vip customers");
        await page.WaitForURLAsync("**/segments/*");
        await Interactive.RetryAsync(async () =>
        {
            await page.GetByTestId("add-rule").ClickAsync();
            await page.Locator("input[data-testid=condition-property]").WaitForAsync(new() { Timeout = 2000 });
        });
        await AdminPages.FillAsync(page.Locator("input[data-testid=condition-property]"), "tier");
        await AdminPages.FillAsync(page.Locator("input[data-testid=condition-value]"), "vip");
        await page.GetByTestId("save-segment").ClickAsync();
        await Assertions.Expect(admin.SnackbarSaying("Saved segment vip customers")).ToBeVisibleAsync();

        await admin.ChooseAsync(page.GetByTestId("override-feature"), "color_scheme");
        await page.GetByTestId("override-value").GetByText("Text", new() { Exact = true }).ClickAsync();
        await page.Locator("[data-testid=override-value] input[data-testid=value-text]").FillAsync("gold");
        await page.GetByTestId("add-segment-override").ClickAsync();
        await Assertions.Expect(page.GetByTestId("segment-overrides-table")).ToContainTextAsync("color_scheme");
        await Assertions.Expect(page.GetByTestId("segment-overrides-table")).ToContainTextAsync("\"gold\"");

        // The SDK API answers the identity from the same data within a second.
        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", ClientKey);
        await Eventually.GetAsync(async () =>
        {
            var response = await sdk.PostAsJsonAsync(new Uri(App.BaseAddress, "api/v1/identities/"),
                new { identifier = "vip-1", traits = new[] { new { trait_key = "tier", trait_value = "vip" } } }, Cancel);
            response.EnsureSuccessStatusCode();
            var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
            return body["flags"]!.AsArray().Single(f => f!["feature"]!["name"]!.GetValue<string>() == "color_scheme")!["feature_state_value"]!.GetValue<string>();
        }, value => value == "gold", "the SDK to answer the segment override's value");

        await AdminPages.FillAsync(page.Locator("input[data-testid=test-identifier]"), "vip-2");
        await AdminPages.FillAsync(page.Locator("input[data-testid=test-trait-key]"), "tier");
        await page.Locator("[data-testid=test-trait-value] input[data-testid=value-text]").FillAsync("vip");
        await page.GetByTestId("test-evaluate").ClickAsync();
        await Assertions.Expect(page.GetByTestId("test-matched-segments")).ToContainTextAsync("vip customers");
        await Assertions.Expect(page.GetByTestId("test-flags").Locator("tr", new() { HasText = "color_scheme" })).ToContainTextAsync("TARGETING_MATCH; segment=vip customers");
        await Browser.SaveScreenshotAsync(page, "admin-segment-rule-builder");
    }

    [Fact]
    public async Task AnEnvironmentIsCreatedClonedAndDeletedAndThePickerFollows()
    {
        var (page, admin) = await OpenAsync();
        await admin.OpenAsync("environments", "environments-table");

        await page.Locator("input[data-testid=new-environment-name]").FillAsync("Staging");
        await page.GetByTestId("create-environment").ClickAsync();
        var table = page.GetByTestId("environments-table");
        await Assertions.Expect(table).ToContainTextAsync("Staging");
        await Assertions.Expect(page.GetByTestId("environment-picker")).ToContainTextAsync("Staging");

        await table.Locator("tr", new() { HasText = "Staging" }).GetByTestId("clone-environment").ClickAsync();
        await admin.AnswerNameDialogAsync("Staging copy", pressEnter: true);
        await Assertions.Expect(table).ToContainTextAsync("Staging copy");
        await Assertions.Expect(page.GetByTestId("environment-picker")).ToContainTextAsync("Staging copy");

        var keys = page.GetByTestId("environment-keys");
        await keys.GetByTestId("reveal-server-side-key").First.ClickAsync();
        await Assertions.Expect(keys.GetByTestId("server-side-key").First).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^ser\.\w{30}$"));
        await keys.GetByTestId("server-snippet-toggle").First.ClickAsync();
        await Assertions.Expect(keys.GetByTestId("server-side-keys").GetByTestId("sdk-snippet")).ToContainTextAsync($"apiUrl: '{App.BaseAddress}api/v1/'");
        await Browser.SaveScreenshotAsync(page, "admin-environments");

        await keys.GetByTestId("create-server-side-key").ClickAsync();
        await admin.AnswerNameDialogAsync("ci pipeline", pressEnter: true);
        // The row whose name cell is exactly the new key's: a key or an open snippet may contain any text.
        var ciRow = keys.GetByTestId("server-side-keys").Locator("tr", new() { Has = page.GetByRole(AriaRole.Cell, new() { Name = "ci pipeline", Exact = true }) });
        await Assertions.Expect(ciRow).ToContainTextAsync("active");
        var ciKey = (await ciRow.GetByTestId("server-side-key").TextContentAsync())!.Trim();
        Assert.Equal(200, await FlagsStatusAsync(ciKey));
        await ciRow.GetByTestId("revoke-server-side-key").ClickAsync();
        await admin.ConfirmAsync("Revoke");
        await Assertions.Expect(ciRow).ToContainTextAsync("revoked");
        await Eventually.GetAsync(() => FlagsStatusAsync(ciKey), status => status == 403, "the revoked key to be refused");

        await table.Locator("tr", new() { HasText = "Staging copy" }).GetByTestId("delete-environment").ClickAsync();
        await admin.ConfirmAsync("Delete");
        await Assertions.Expect(admin.SnackbarSaying("Deleted environment Staging copy")).ToBeVisibleAsync();
        await Assertions.Expect(table).Not.ToContainTextAsync("Staging copy");
        await Assertions.Expect(page.GetByTestId("environment-picker")).Not.ToContainTextAsync("Staging copy");
    }

    [Fact]
    public async Task IdentitiesAreFoundByTheStartOfTheirIdentifierAndTheirTraitsEditedWithTypes()
    {
        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", ClientKey);
        foreach (var identifier in new[] { "carol-1", "carol-2", "dave" })
        {
            (await sdk.PostAsJsonAsync(new Uri(App.BaseAddress, "api/v1/identities/"),
                new { identifier, traits = new[] { new { trait_key = "plan", trait_value = "free" } } }, Cancel)).EnsureSuccessStatusCode();
        }

        var (page, admin) = await OpenAsync();
        await admin.OpenAsync("identities", "identities-table");
        await Assertions.Expect(page.GetByTestId("identities-table")).ToContainTextAsync("dave");

        await page.Locator("input[data-testid=identity-search]").FillAsync("carol");
        var table = page.GetByTestId("identities-table");
        await Assertions.Expect(table).Not.ToContainTextAsync("dave");
        await Assertions.Expect(table.GetByTestId("identity-link")).ToHaveCountAsync(2);
        await Assertions.Expect(page.GetByTestId("identities-count")).ToContainTextAsync("of 2");
        await Browser.SaveScreenshotAsync(page, "admin-identities");

        await table.GetByText("carol-1").ClickAsync();
        await page.WaitForURLAsync("**/identities/*");
        var traits = page.GetByTestId("identity-traits");
        await Assertions.Expect(traits.GetByTestId("traits-table")).ToContainTextAsync("plan");
        await AdminPages.FillAsync(traits.Locator("input[data-testid=trait-key]").Last, "age");
        await traits.GetByTestId("trait-editor").Last.GetByText("Integer", new() { Exact = true }).ClickAsync();
        var value = traits.GetByTestId("trait-editor").Last.Locator("input[data-testid=value-text]");
        await value.FillAsync("forty");
        await traits.GetByTestId("save-trait").Last.ClickAsync();
        await Assertions.Expect(traits).ToContainTextAsync("'forty' is not a whole number");
        await value.FillAsync("42");
        await traits.GetByTestId("save-trait").Last.ClickAsync();
        await Assertions.Expect(traits.GetByTestId("traits-table").Locator("tr", new() { HasText = "age" })).ToContainTextAsync("integer");
        await Browser.SaveScreenshotAsync(page, "admin-identity");
    }

    [Fact]
    public async Task ADocumentImportedFromTheDashboardCreatesAnEnvironmentThatIsExportedAgainAndAudited()
    {
        var (page, admin) = await OpenAsync();
        await Assertions.Expect(page.GetByTestId("projects-table")).ToContainTextAsync("Web");
        await page.Locator("input[data-testid=new-project-organisation]").FillAsync("Acme");
        await page.Locator("input[data-testid=new-project-name]").FillAsync("Mobile");
        await page.GetByTestId("create-project").ClickAsync();
        await Assertions.Expect(page.GetByTestId("projects-table")).ToContainTextAsync("Mobile");
        await Assertions.Expect(page.GetByTestId("project-picker")).ToContainTextAsync("Mobile");

        await admin.OpenAsync("environments", "environment-document");
        await Assertions.Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No environments yet");
        await page.Locator("[data-testid=environment-document] input[type=file]").Last.SetInputFilesAsync(ImportedEnvironment.SamplePath);
        // The sample's key already belongs to Web: the importer refuses, with the command line's message.
        await Assertions.Expect(page.GetByTestId("import-errors")).ToContainTextAsync("api_key");

        var copy = SampleDocuments.Tree();
        copy["api_key"] = "MobileKey0000000000000";
        var path = Path.Combine(App.DataDirectory, "mobile.json");
        await File.WriteAllTextAsync(path, copy.ToJsonString(), Cancel);
        await page.Locator("[data-testid=environment-document] input[type=file]").Last.SetInputFilesAsync(path);
        await Assertions.Expect(page.GetByTestId("import-result")).ToContainTextAsync("Created environment Development");
        await Assertions.Expect(page.GetByTestId("environments-table")).ToContainTextAsync("MobileKey0000000000000");

        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-document").ClickAsync());
        var exported = JsonNode.Parse(await File.ReadAllTextAsync(await download.PathAsync(), Cancel))!;
        Assert.Equal("MobileKey0000000000000", exported["api_key"]!.GetValue<string>());
        Assert.Equal(9, exported["feature_states"]!.AsArray().Count);

        await admin.OpenAsync("audit", "audit-table");
        var audit = page.GetByTestId("audit-table");
        await Assertions.Expect(audit.Locator("tbody tr").First).ToContainTextAsync("Imported environment");
        await audit.GetByTestId("audit-expand").First.ClickAsync();
        await Assertions.Expect(audit.GetByTestId("audit-diff")).ToContainTextAsync("MobileKey0000000000000");
        await Browser.SaveScreenshotAsync(page, "admin-audit-log");
    }

    [Fact]
    public async Task AProjectsDisabledFlagsSettingReachesSdksAndTheProjectIsRenamedAndDeletedOnlyAfterConfirmation()
    {
        var (page, admin) = await OpenAsync();
        var projects = page.GetByTestId("projects-table");
        var web = projects.Locator("tr", new() { HasText = "Web" });
        // The sample project hides disabled flags, as its Flagsmith project did: dark_mode (disabled) is not served.
        Assert.DoesNotContain("dark_mode", await FlagNamesAsync());

        await web.Locator("input[data-testid=hide-disabled-flags]").UncheckAsync();
        await Assertions.Expect(admin.SnackbarSaying("SDKs receive every flag of Web again")).ToBeVisibleAsync();
        await Eventually.TrueAsync(async () => (await FlagNamesAsync()).Contains("dark_mode"), "dark_mode (disabled) to be served to SDKs");

        await web.GetByTestId("rename-project").ClickAsync();
        await admin.AnswerNameDialogAsync("Web shop", pressEnter: true);
        await Assertions.Expect(projects).ToContainTextAsync("Web shop");
        await Assertions.Expect(page.GetByTestId("project-picker")).ToContainTextAsync("Web shop");

        await projects.Locator("tr", new() { HasText = "Web shop" }).GetByTestId("delete-project").ClickAsync();
        await admin.ConfirmAsync("Cancel");
        await Assertions.Expect(projects).ToContainTextAsync("Web shop");
        await projects.Locator("tr", new() { HasText = "Web shop" }).GetByTestId("delete-project").ClickAsync();
        await admin.ConfirmAsync("Delete");
        await Assertions.Expect(admin.SnackbarSaying("Deleted project Web shop")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("empty-state")).ToContainTextAsync("No projects yet");
        await Assertions.Expect(page.GetByTestId("project-picker")).Not.ToContainTextAsync("Web");
        // The SDK API forgets the deleted project's environment on its next look at the database.
        await Eventually.GetAsync(() => FlagsStatusAsync(ClientKey), status => status == 403, "the SDK API to refuse the deleted project's key");
    }

    private async Task<List<string>> FlagNamesAsync()
    {
        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", ClientKey);
        var flags = JsonNode.Parse(await sdk.GetStringAsync(new Uri(App.BaseAddress, "api/v1/flags/"), Cancel))!.AsArray();
        return flags.Select(f => f!["feature"]!["name"]!.GetValue<string>()).ToList();
    }

    private async Task<int> FlagsStatusAsync(string key)
    {
        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", key);
        return (int)(await sdk.GetAsync(new Uri(App.BaseAddress, "api/v1/flags/"), Cancel)).StatusCode;
    }

    private async Task<(IPage Page, AdminPages Admin)> OpenAsync()
    {
        var page = await Chromium.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 1000 }, AcceptDownloads = true });
        var admin = new AdminPages(page, App.BaseAddress);
        await admin.SignInAsync();
        return (page, admin);
    }
}
