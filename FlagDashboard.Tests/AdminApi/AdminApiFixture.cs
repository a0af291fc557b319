using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.AdminApi;

[CollectionDefinition(Name)]
public sealed class AdminApiCollection : ICollectionFixture<AdminApiFixture>
{
    public const string Name = "Admin API";
}

/// <summary>
/// One running app shared by the admin API and webhook tests, with an API key for each of two
/// organisations. Webhooks may reach loopback (the test listeners) and retry quickly.
/// </summary>
public sealed class AdminApiFixture : IAsyncLifetime
{
    public const string AdminEmail = "admin@example.com";
    public const string AdminPassword = "correct-horse";

    public AppProcess App { get; private set; } = null!;

    public string AcmeKey { get; private set; } = "";

    public string GlobexKey { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        App = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Webhooks__AllowPrivateAddresses"] = "true",
            ["Webhooks__FirstRetryDelay"] = "00:00:00.300",
            ["Webhooks__PollInterval"] = "00:00:00.050",
            ["Webhooks__RequestTimeout"] = "00:00:02",
            ["Webhooks__MaxAttempts"] = "3",
            // Usage alerts within a second or two of the calls that cross a threshold.
            ["Usage__FlushInterval"] = "00:00:00.500",
            ["UsageAlerts__CheckInterval"] = "00:00:00.300",
        });
        // Set up, so that pages (the API reference) are served rather than sent to /setup.
        var admin = await App.RunVerbAsync("create-admin", "--email", AdminEmail, "--password", AdminPassword);
        Assert.True(admin.ExitCode == 0, admin.Error);
        AcmeKey = await CreateKeyAsync("Acme");
        GlobexKey = await CreateKeyAsync("Globex");
    }

    public async ValueTask DisposeAsync()
    {
        // Null when the start failed: that failure is the one to report, not a second one from the clean-up.
        if (App is { } app)
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>A client acting for Acme (or for the organisation of the key given; none for no key).</summary>
    public HttpClient Client(string? key = "acme")
    {
        var client = App.CreateClient();
        var secret = key switch { "acme" => AcmeKey, "globex" => GlobexKey, _ => key };
        if (secret is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {secret}");
        }

        return client;
    }

    /// <summary>A fresh project of Acme's with one environment.</summary>
    public async Task<TestProject> NewProjectAsync(HttpClient client)
    {
        var project = await client.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = $"Project {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var projectId = project["id"]!.GetValue<int>();
        var environment = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{projectId}/environments", new { name = "Production" }, HttpStatusCode.Created);
        return new TestProject(projectId, environment["id"]!.GetValue<int>(), environment["clientKey"]!.GetValue<string>());
    }

    /// <summary>A key for a new organisation of its own, for a test whose totals must not see other tests' traffic.</summary>
    public Task<string> NewOrganisationKeyAsync(string name) => CreateKeyAsync(name);

    private async Task<string> CreateKeyAsync(string organisation)
    {
        var created = await App.RunVerbAsync("create-api-key", "--organisation", organisation, "--name", "tests");
        Assert.True(created.ExitCode == 0, created.Error);
        return created.Output.Trim().Split('\n')[^1].Trim();
    }
}

public sealed record TestProject(int ProjectId, int EnvironmentId, string ClientKey);

internal static class AdminApiHttp
{
    public static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <summary>Sends a JSON body (or none), returning the status and the parsed answer (null when empty).</summary>
    public static async Task<(HttpStatusCode Status, JsonNode? Body)> SendAsync(this HttpClient client, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url);
        if (body is string raw)
        {
            request.Content = new StringContent(raw, Encoding.UTF8, "application/json");
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        using var response = await client.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);
        return (response.StatusCode, string.IsNullOrWhiteSpace(text) ? null : JsonNode.Parse(text));
    }

    /// <summary>Sends and asserts the status, answering the body.</summary>
    public static async Task<JsonNode> SendOkAsync(this HttpClient client, HttpMethod method, string url, object? body = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var (status, answer) = await client.SendAsync(method, url, body);
        Assert.True(status == expected, $"{method} {url}: expected {expected}, got {status}: {answer?.ToJsonString()}");
        return answer ?? new JsonObject();
    }

    public static Task<JsonNode> GetOkAsync(this HttpClient client, string url) => client.SendOkAsync(HttpMethod.Get, url);

    /// <summary>Asserts a 400 problem details answer whose errors name the field.</summary>
    public static async Task AssertProblemAsync(this HttpClient client, HttpMethod method, string url, object? body, HttpStatusCode expected, string? field = null)
    {
        var (status, answer) = await client.SendAsync(method, url, body);
        Assert.True(status == expected, $"{method} {url}: expected {expected}, got {status}: {answer?.ToJsonString()}");
        Assert.NotNull(answer);
        Assert.Equal((int)expected, answer["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(answer["title"]?.GetValue<string>()));
        if (field is not null)
        {
            var errors = answer["errors"]?.AsObject();
            Assert.True(errors?.ContainsKey(field) == true, $"Expected an error for '{field}': {answer.ToJsonString()}");
        }
    }

    public static int Int(this JsonNode node, string name) => node[name]!.GetValue<int>();

    public static string Str(this JsonNode node, string name) => node[name]!.GetValue<string>();

    public static JsonElement Element(this JsonNode node) => JsonSerializer.Deserialize<JsonElement>(node.ToJsonString());
}
