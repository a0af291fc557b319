using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Core.Data;

namespace FlagDashboard.Tests.AdminApi;

/// <summary>
/// Every operation of /openapi/v1.json, sent malformed and hostile parameters and bodies (wrong types, missing
/// and extra fields, huge strings, NUL, a bidirectional override, script markup, negative and huge ids) with a
/// valid admin API key. No answer may be a 5xx, nor a status the document does not list for that operation.
/// On SQLite and on PostgreSQL, which refuses some text that SQLite stores.
/// </summary>
public sealed class OpenApiHostileInputTests
{
    private static readonly string[] HostileIds = ["0", "-1", "2147483648", "99999999999999999999", "abc", "+1", "%2B1", "%201", "1%0a", "%00", "%E2%80%AE1", "1.5", "1e3"];

    // Long, but inside Kestrel's 8 KB request line: past it the server answers 414 before the app sees the request.
    private static readonly string[] HostileQueryValues =
        ["", "%00", "a%00b", "-1", "abc", "1e400", "2147483648", "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "%E2%80%AEevil", new string('x', 6_000), "%FF%FE", "%ED%A0%80"];

    // JSON text, so that it can be what a serializer would never write (a lone surrogate).
    private static readonly string[] HostileTokens =
    [
        "null", "true", "0", "-1", "99", "2147483648", "9223372036854775808", "1e400", "-1e400", "1.5", "[]", "{}", "[null]", "[{}]",
        "\"\"", "\" \"", "\"abc\"", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\u202Eevil\"", "\"<script>alert(1)</script>\"", "\"<img src=x onerror=alert(1)>\"",
        $"\"{new string('x', 100_000)}\"", "\"2026-13-45T99:99:99Z\"",
    ];

    // Deeper in a body, fewer tokens: the kinds of failure, not every value again.
    private static readonly string[] NestedTokens = ["null", "99", "1e400", "{}", "\"a\\u0000b\"", "\"\\ud800\"", "\"\\u202E<script>alert(1)</script>\"", $"\"{new string('x', 30_000)}\""];

    private static readonly string[] MalformedBodies = ["", "{", "null", "[]", "123", "\"text\"", "{}", "{\"a\":1,\"a\":2}", "{\"name\":\"\\ud800\"}", "1e400", "{\"name\":\"x\"}garbage"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task NoOperationAnswers5xxOrAnUndocumentedStatusToHostileInput(DatabaseProvider provider)
    {
        await using var database = provider == DatabaseProvider.Postgres ? await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false) : null;
        var home = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["Database__DataDirectory"] = Path.Combine(home, "data"),
            // Webhook deliveries of the fuzzed webhooks go nowhere they could do harm, and fail fast.
            ["Webhooks__RequestTimeout"] = "00:00:01",
        };
        if (database is not null)
        {
            settings["Database__Provider"] = nameof(DatabaseProvider.Postgres);
            settings["ConnectionStrings__FlagDashboard"] = database.ConnectionString;
        }

        await using var app = await AppProcess.StartAsync(settings, home);
        var created = await CommandResult.RunAsync(AppPaths.AppAssembly, ["create-api-key", "--organisation", "Acme", "--name", "fuzz"], settings);
        Assert.True(created.ExitCode == 0, created.Error);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {created.Output.Trim().Split('\n')[^1].Trim()}");
        var ids = await SeedAsync(client);
        var document = JsonNode.Parse(await client.GetStringAsync("openapi/v1.json", Cancel))!;

        var failures = new List<string>();
        var sent = 0;
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            foreach (var (method, operation) in item!.AsObject())
            {
                var documented = operation!["responses"]!.AsObject().Select(r => int.Parse(r.Key, System.Globalization.CultureInfo.InvariantCulture)).ToHashSet();
                foreach (var request in Requests(document, path, method.ToUpperInvariant(), operation, ids))
                {
                    sent++;
                    var status = await SendAsync(client, request);
                    if (status >= 500 || !documented.Contains(status))
                    {
                        failures.Add($"{request.Method} {Shorten(request.Url)} {Shorten(request.Body ?? "")} -> {status} (documented: {string.Join(", ", documented.Order())})");
                    }
                }
            }
        }

        Assert.True(sent > 1000, $"Only {sent} requests were made: the document was not read as expected.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} answers were 5xx or undocumented:{Environment.NewLine}{string.Join(Environment.NewLine, failures.Take(60))}{Environment.NewLine}{Tail(app.Log)}");
    }

    private sealed record FuzzRequest(string Method, string Url, string? Body, string ContentType = "application/json");

    private static IEnumerable<FuzzRequest> Requests(JsonNode document, string path, string method, JsonNode operation, IReadOnlyDictionary<string, string> ids)
    {
        var parameters = operation["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
        var pathParameters = parameters.Where(p => p["in"]!.GetValue<string>() == "path").Select(p => p["name"]!.GetValue<string>()).ToList();
        var queryParameters = parameters.Where(p => p["in"]!.GetValue<string>() == "query").Select(p => p["name"]!.GetValue<string>()).ToList();
        var bodySchema = operation["requestBody"]?["content"]?["application/json"]?["schema"];
        // A delete with real ids would remove what the other requests need (and could revoke this very key).
        var isDelete = method == "DELETE";
        var validBody = bodySchema is null ? null : Sample(document, bodySchema, ids, 0);

        string Url(IReadOnlyDictionary<string, string> pathValues, string query = "") =>
            pathParameters.Aggregate(path, (url, name) => url.Replace("{" + name + "}", pathValues[name], StringComparison.Ordinal)).TrimStart('/') + query;

        var valid = pathParameters.ToDictionary(name => name, name => ValidPathValue(name, ids));

        // Each path parameter hostile in turn, the others valid.
        foreach (var name in pathParameters)
        {
            foreach (var hostile in name.EndsWith("Id", StringComparison.Ordinal) ? HostileIds : ["%00", "%E2%80%AEevil", "%3Cscript%3E", new string('k', 5_000), "%FF"])
            {
                yield return new FuzzRequest(method, Url(new Dictionary<string, string>(valid) { [name] = hostile }), validBody);
            }
        }

        if (isDelete)
        {
            yield break;
        }

        foreach (var name in queryParameters)
        {
            foreach (var hostile in HostileQueryValues)
            {
                yield return new FuzzRequest(method, Url(valid, $"?{name}={hostile}"), validBody);
            }
        }

        if (bodySchema is null)
        {
            yield break;
        }

        foreach (var malformed in MalformedBodies)
        {
            yield return new FuzzRequest(method, Url(valid), malformed);
        }

        yield return new FuzzRequest(method, Url(valid), validBody, "text/plain");
        yield return new FuzzRequest(method, Url(valid), validBody);
        foreach (var body in Mutations(validBody!, 0))
        {
            yield return new FuzzRequest(method, Url(valid), body);
        }
    }

    /// <summary>The body with one member at a time left out, or set to each hostile token; into nested objects and array items too.</summary>
    private static IEnumerable<string> Mutations(string body, int depth)
    {
        if (JsonNode.Parse(body) is not JsonObject root)
        {
            yield break;
        }

        foreach (var (name, value) in root.ToList())
        {
            var others = root.Where(p => p.Key != name).Select(p => $"\"{p.Key}\":{p.Value?.ToJsonString() ?? "null"}").ToList();
            string With(string token) => "{" + string.Join(",", others.Append($"\"{name}\":{token}")) + "}";

            yield return "{" + string.Join(",", others) + "}";
            foreach (var token in depth == 0 ? HostileTokens : NestedTokens)
            {
                yield return With(token);
            }

            if (depth < 3)
            {
                var inner = value switch
                {
                    JsonObject nested => Mutations(nested.ToJsonString(), depth + 1),
                    JsonArray { Count: > 0 } array when array[0] is JsonObject first => Mutations(first.ToJsonString(), depth + 1).Select(item => $"[{item}]"),
                    _ => [],
                };
                foreach (var mutated in inner)
                {
                    yield return With(mutated);
                }
            }
        }
    }

    private static string ValidPathValue(string name, IReadOnlyDictionary<string, string> ids) =>
        ids.TryGetValue(name, out var id) ? id : name == "key" ? "plan" : "1";

    /// <summary>A plausible body for a schema, as JSON text: real ids where a member names one.</summary>
    private static string Sample(JsonNode document, JsonNode schema, IReadOnlyDictionary<string, string> ids, int depth, string? name = null)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            return depth > 4 ? "null" : Sample(document, document["components"]!["schemas"]![reference.Split('/')[^1]]!, ids, depth + 1, name);
        }

        if (name is not null && ids.TryGetValue(name, out var id))
        {
            return id;
        }

        var types = schema["type"] switch
        {
            JsonArray array => array.Select(t => t!.GetValue<string>()).ToHashSet(),
            JsonValue single => [single.GetValue<string>()],
            _ => [],
        };
        if (schema["enum"] is JsonArray { Count: > 0 } values)
        {
            return values[0]!.ToJsonString();
        }

        if (schema["properties"] is JsonObject properties)
        {
            return "{" + string.Join(",", properties.Select(p => $"\"{p.Key}\":{Sample(document, p.Value!, ids, depth + 1, p.Key)}")) + "}";
        }

        if (types.Contains("array"))
        {
            return schema["items"] is { } items && depth < 5 ? $"[{Sample(document, items, ids, depth + 1)}]" : "[]";
        }

        return name switch
        {
            "url" => "\"https://example.invalid/hook\"",
            "version" => "0",
            _ when types.Contains("integer") => "1",
            _ when types.Contains("number") => "10",
            _ when types.Contains("string") => $"\"fuzz-{Guid.NewGuid():N}\"",
            _ when types.Contains("boolean") => "true",
            _ => "\"fuzz\"",
        };
    }

    private static async Task<int> SendAsync(HttpClient client, FuzzRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.Method), request.Url);
        if (request.Body is not null)
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(request.Body));
            message.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(request.ContentType);
        }

        using var response = await client.SendAsync(message, Cancel);
        return (int)response.StatusCode;
    }

    /// <summary>One of each kind of thing, so that valid ids reach past the existence checks.</summary>
    private static async Task<Dictionary<string, string>> SeedAsync(HttpClient client)
    {
        async Task<JsonNode> Send(HttpMethod method, string url, object body, HttpStatusCode expected)
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) }, Cancel);
            var text = await response.Content.ReadAsStringAsync(Cancel);
            Assert.True(response.StatusCode == expected, $"{method} {url}: {(int)response.StatusCode} {text}");
            return JsonNode.Parse(text)!;
        }

        var project = await Send(HttpMethod.Post, "api/admin/projects", new { name = "Fuzzed" }, HttpStatusCode.Created);
        var projectId = project["id"]!.GetValue<int>();
        var environment = await Send(HttpMethod.Post, $"api/admin/projects/{projectId}/environments", new { name = "Production" }, HttpStatusCode.Created);
        var environmentId = environment["id"]!.GetValue<int>();
        var feature = await Send(HttpMethod.Post, $"api/admin/projects/{projectId}/features",
            new { name = "colour", initialValue = "red", options = new[] { new { value = "blue", defaultWeight = 20.0 } } }, HttpStatusCode.Created);
        var featureId = feature["id"]!.GetValue<int>();
        var segment = await Send(HttpMethod.Post, $"api/admin/projects/{projectId}/segments",
            new { name = "gold", rules = new[] { new { type = "ALL", conditions = new[] { new { property = "plan", @operator = "EQUAL", value = "gold" } } } } }, HttpStatusCode.Created);
        var segmentId = segment["id"]!.GetValue<int>();
        await Send(HttpMethod.Post, $"api/admin/environments/{environmentId}/segment-overrides",
            new { featureId, segmentId = segmentId, enabled = true, value = "gold" }, HttpStatusCode.Created);
        var identity = await Send(HttpMethod.Post, $"api/admin/environments/{environmentId}/identities", new { identifier = "alice" }, HttpStatusCode.Created);
        var identityId = identity["id"]!.GetValue<int>();
        await Send(HttpMethod.Put, $"api/admin/identities/{identityId}/traits/plan", new { value = "gold" }, HttpStatusCode.OK);
        var webhook = await Send(HttpMethod.Post, $"api/admin/environments/{environmentId}/webhooks", new { url = "https://example.invalid/hook", enabled = false }, HttpStatusCode.Created);
        var states = await client.GetFromJsonAsync<JsonNode>($"api/admin/environments/{environmentId}/feature-states", Cancel);
        var optionId = feature["options"]![0]!["id"]!.GetValue<int>();
        return new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["projectId"] = $"{projectId}",
            ["environmentId"] = $"{environmentId}",
            ["featureId"] = $"{featureId}",
            ["segmentId"] = $"{segmentId}",
            ["identityId"] = $"{identityId}",
            ["webhookId"] = $"{webhook["id"]!.GetValue<int>()}",
            ["stateId"] = $"{states!["items"]![0]!["id"]!.GetValue<int>()}",
            ["optionId"] = $"{optionId}",
        };
    }

    private static string Shorten(string text) => text.Length > 160 ? $"{text[..160]}… ({text.Length} chars)" : text;

    private static string Tail(string log) => log.Length > 6000 ? log[^6000..] : log;
}
