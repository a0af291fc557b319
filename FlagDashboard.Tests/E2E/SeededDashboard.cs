using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Core.Data;
using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// One app with data on every page (the sample Flagsmith environment, a second environment, identities with
/// traits, evaluations, a webhook, an archived feature) and one Chromium, shared by the quality tests.
/// A subclass adds data of its own through <see cref="SeedMoreAsync"/> and may point the pages at it.
/// </summary>
public class SeededDashboard : IAsyncLifetime
{
    /// <summary>What a page in the sign-in layout (no circuit, no app bar) shows once it is there.</summary>
    public const string StaticPage = "[data-testid=page-title]";

    private readonly DatabaseProvider _provider;
    private IPlaywright _playwright = null!;
    private TestDatabase? _database;

    public SeededDashboard()
        : this(DatabaseProvider.Sqlite)
    {
    }

    protected SeededDashboard(DatabaseProvider provider) => _provider = provider;

    public AppProcess App { get; private set; } = null!;

    public IBrowser Chromium { get; private set; } = null!;

    public int OrganisationId { get; private set; }

    public int ProjectId { get; private set; }

    public int EnvironmentId { get; protected set; }

    public int FeatureId { get; protected set; }

    public int SegmentId { get; protected set; }

    /// <summary>A segment whose rule is a percentage split (the slider).</summary>
    public int SplitSegmentId { get; private set; }

    public int IdentityId { get; protected set; }

    /// <summary>A change to welcome_banner in Production, waiting for an approval.</summary>
    public int ChangeRequestId { get; private set; }

    protected static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Every page a signed-in person can open, each with what it shows once it is there.</summary>
    public IEnumerable<(string Name, string Path, string Ready)> SignedInPages() =>
    [
        ("projects", "", "[data-testid=projects-table]"),
        ("environments", "environments", "[data-testid=environments-table]"),
        ("webhooks", $"environments/{EnvironmentId}/webhooks", "[data-testid=webhooks-table]"),
        ("change-requests", $"environments/{EnvironmentId}/change-requests", "[data-testid=required-approvals-text]"),
        ("change-request", $"change-requests/{ChangeRequestId}", "[data-testid=request-diff]"),
        ("features", "features", "[data-testid=features-table]"),
        ("feature", $"features/{FeatureId}", "[data-testid=env-state-Development]"),
        ("feature-history", $"features/{FeatureId}", "[data-testid=version-diff]"),
        ("segments", "segments", "[data-testid=segments-table]"),
        ("segment", $"segments/{SegmentId}", "[data-testid=segment-name]"),
        ("segment-split", $"segments/{SplitSegmentId}", "[data-testid=condition-percentage]"),
        ("identities", "identities", "[data-testid=identities-table]"),
        ("identity", $"identities/{IdentityId}", "[data-testid=identity-flags]"),
        ("usage", "usage", "[data-testid=top-flags]"),
        ("organisation-usage", $"organisations/{OrganisationId}/usage", "[data-testid=period-allowance]"),
        ("usage-settings", $"organisations/{OrganisationId}/usage-settings", "[data-testid=allowance-section]"),
        ("audit", "audit", "[data-testid=audit-table]"),
        ("members", "members", "[data-testid=members-table]"),
        // In the sign-in layout, like the static pages below: a form posted without a circuit, so it can re-issue the cookie.
        ("password", "account/password", StaticPage),
        // Static pages in the sign-in layout: no circuit, no app bar.
        ("not-found", "not-found", StaticPage),
        ("unknown-address", "no-such-page", StaticPage),
    ];

    public async ValueTask InitializeAsync()
    {
        // Every test of a class signs in afresh from loopback: more than the throttle's 10 a minute when the machine
        // is quick (the throttle has tests of its own in SignInHardeningTests).
        var settings = new Dictionary<string, string>
        {
            ["Usage__FlushInterval"] = "00:00:01",
            ["SignInThrottle__AttemptsPerMinute"] = "1000",
        };
        if (_provider == DatabaseProvider.Postgres)
        {
            _database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false);
            settings["Database__Provider"] = nameof(DatabaseProvider.Postgres);
            settings["ConnectionStrings__FlagDashboard"] = _database.ConnectionString;
        }

        App = await AppProcess.StartAsync(settings);
        await RunVerbAsync("create-admin", "--email", AppWithAdminFixture.Email, "--password", AppWithAdminFixture.Password);
        await RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        var key = (await App.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "quality seed")).Output.Trim();
        await SeedThroughTheApisAsync(key);
        (_playwright, Chromium) = await Browser.LaunchAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (Chromium is not null)
        {
            await Chromium.DisposeAsync();
        }

        _playwright?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>More data, added through the admin API (<paramref name="admin"/>) and the SDK API (<paramref name="sdk"/>, Development's key) after the shared seed.</summary>
    protected virtual Task SeedMoreAsync(HttpClient admin, HttpClient sdk) => Task.CompletedTask;

    private async Task RunVerbAsync(params string[] arguments)
    {
        var result = await App.RunVerbAsync(arguments);
        Assert.True(result.ExitCode == 0, $"{arguments[0]} failed: {result.Error}");
    }

    private async Task SeedThroughTheApisAsync(string apiKey)
    {
        using var admin = App.CreateClient();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", apiKey);
        var project = (await GetAsync(admin, "api/admin/projects"))["items"]!.AsArray().Single(p => (string?)p!["name"] == "Web")!;
        var projectId = ProjectId = (int)project["id"]!;
        OrganisationId = (int)project["organisationId"]!;
        var development = (await GetAsync(admin, $"api/admin/projects/{projectId}/environments"))["items"]!.AsArray().Single(e => (string?)e!["name"] == "Development")!;
        EnvironmentId = (int)development["id"]!;
        var clientKey = (string)development["clientKey"]!;

        await PostAsync(admin, $"api/admin/environments/{EnvironmentId}/clone", new { name = "Production" });
        await PostAsync(admin, $"api/admin/environments/{EnvironmentId}/webhooks", new { url = "https://hooks.example.com/flagdashboard/deliveries/a-rather-long-path-that-must-wrap-on-a-phone?token=0123456789abcdef" });

        var features = (await GetAsync(admin, $"api/admin/projects/{projectId}/features"))["items"]!.AsArray();
        FeatureId = (int)features.Single(f => (string?)f!["name"] == "welcome_banner")!["id"]!;
        // A second version of welcome_banner in Development, so that its history has two versions to compare.
        var bannerState = (await GetAsync(admin, $"api/admin/environments/{EnvironmentId}/feature-states"))["items"]!.AsArray()
            .Single(s => (int)s!["featureId"]! == FeatureId)!;
        await SendAsync(admin, HttpMethod.Put, $"api/admin/feature-states/{(int)bannerState["id"]!}",
            new { enabled = true, value = "Hello, world!", version = (int)bannerState["version"]! });
        var legacy = features.Single(f => (string?)f!["name"] == "legacy_checkout")!;
        await SendAsync(admin, HttpMethod.Put, $"api/admin/features/{(int)legacy["id"]!}/archived", new { archived = true, version = (int)legacy["version"]! });

        var segments = await GetAsync(admin, $"api/admin/projects/{projectId}/segments");
        SegmentId = (int)segments["items"]!.AsArray().Single(s => (string?)s!["name"] == "beta_users")!["id"]!;
        SplitSegmentId = (int)segments["items"]!.AsArray().Single(s => (string?)s!["name"] == "ten_percent_in_europe")!["id"]!;

        using var sdk = App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", clientKey);
        foreach (var (identifier, plan) in new[] { ("carol@example.com", "free"), ("dave@example.com", "pro"), ("a-very-long-identifier-from-a-device-0123456789abcdef0123456789abcdef", "free") })
        {
            await PostAsync(sdk, "api/v1/identities/", new { identifier, traits = new[] { new { trait_key = "plan", trait_value = plan } } });
        }

        await PostAsync(sdk, "api/v1/analytics/flags/", new Dictionary<string, int> { ["welcome_banner"] = 1250, ["max_items"] = 310, ["dark_mode"] = 42 });

        var identities = await GetAsync(admin, $"api/admin/environments/{EnvironmentId}/identities?prefix=alice");
        IdentityId = (int)identities["items"]!.AsArray().Single()!["id"]!;
        await SeedMoreAsync(admin, sdk);
        await SeedChangeRequestAndAllowanceAsync(admin, projectId);

        // The evaluations reach the store on its next flush (every second here): wait until the usage API counts them.
        await Eventually.TrueAsync(async () => (long?)(await GetAsync(admin, "api/usage/series?metric=flag_evaluations"))["total"] is > 0,
            "the usage API to count the seeded evaluations");
    }

    /// <summary>
    /// Production needs one approval, so a change to welcome_banner there waits as a change request; the
    /// organisation has an allowance, far from any alert, so that its usage pages show the share used.
    /// </summary>
    private async Task SeedChangeRequestAndAllowanceAsync(HttpClient admin, int projectId)
    {
        var productionId = (int)(await GetAsync(admin, $"api/admin/projects/{projectId}/environments"))["items"]!.AsArray().Single(e => (string?)e!["name"] == "Production")!["id"]!;
        var production = await GetAsync(admin, $"api/admin/environments/{productionId}");
        await SendAsync(admin, HttpMethod.Put, $"api/admin/environments/{productionId}/required-approvals", new { requiredApprovals = 1, version = (int)production["version"]! });
        var banner = (await GetAsync(admin, $"api/admin/environments/{productionId}/feature-states"))["items"]!.AsArray().Single(s => (int)s!["featureId"]! == FeatureId)!;
        var proposal = await SendAsync(admin, HttpMethod.Put, $"api/admin/feature-states/{(int)banner["id"]!}", new { enabled = false, value = "Closed for maintenance", version = (int)banner["version"]! });
        ChangeRequestId = (int)proposal!["changeRequestId"]!;

        var allowance = await GetAsync(admin, "api/admin/organisation/usage-allowance");
        await SendAsync(admin, HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 1_000_000, billingDay = 1, version = (int)allowance["version"]! });
    }

    protected static async Task<JsonNode> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    protected static Task<JsonNode?> PostAsync(HttpClient client, string path, object body) => SendAsync(client, HttpMethod.Post, path, body);

    protected static async Task<JsonNode?> SendAsync(HttpClient client, HttpMethod method, string path, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        using var response = await client.SendAsync(request, Cancel);
        var text = Encoding.UTF8.GetString(await response.Content.ReadAsByteArrayAsync(Cancel));
        Assert.True(response.IsSuccessStatusCode, $"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? null : JsonNode.Parse(text);
    }
}
