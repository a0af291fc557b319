using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace FlagDashboard.Tests.AdminApi;

/// <summary>
/// Admin API keys with a role, checked against every route the OpenAPI document lists: a viewer key reads
/// everything of its organisation and changes nothing; a key scoped to one project sees no other.
/// </summary>
[Collection(AdminApiCollection.Name)]
public sealed partial class ApiKeyRolesTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AViewerKeyGets2xxOnEveryReadRouteAnd403OnEveryWriteRouteOfItsOrganisation()
    {
        using var owner = fixture.Client();
        var ids = await SeedAsync(owner);
        var viewerKey = await owner.SendOkAsync(HttpMethod.Post, "api/admin/api-keys", new { name = $"viewer {Guid.NewGuid():N}", role = "viewer" }, HttpStatusCode.Created);
        Assert.Equal("Viewer", viewerKey.Str("role"));
        using var viewer = fixture.Client(viewerKey.Str("key"));

        var operations = await OperationsAsync(owner);
        Assert.True(operations.Count >= 40, $"Only {operations.Count} admin API operations were found in the OpenAPI document.");
        var wrong = new List<string>();
        foreach (var (method, template, bodySchema) in operations)
        {
            // Server-side keys and admin API keys both name their id keyId.
            var url = Fill(template.StartsWith("/api/admin/api-keys", StringComparison.Ordinal) ? template.Replace("{keyId}", "{apiKeyId}", StringComparison.Ordinal) : template, ids);
            var body = bodySchema is null ? null : Sample(bodySchema, ids, await DocumentAsync(owner));
            var (status, answer) = await viewer.SendAsync(new HttpMethod(method), url.TrimStart('/'), body?.ToJsonString());
            var read = method == "GET";
            if (read ? (int)status is < 200 or > 299 : status != HttpStatusCode.Forbidden)
            {
                wrong.Add($"{method} {url}: {(int)status} {answer?.ToJsonString()}");
            }
        }

        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        // The refusals changed nothing.
        var features = await owner.GetOkAsync($"api/admin/projects/{ids["projectId"]}/features");
        Assert.Equal(1, features.Int("totalCount"));
    }

    [Fact]
    public async Task AKeyScopedToOneProjectSeesOnlyThatProject()
    {
        using var owner = fixture.Client();
        var mine = await fixture.NewProjectAsync(owner);
        var other = await fixture.NewProjectAsync(owner);
        var scoped = await owner.SendOkAsync(HttpMethod.Post, "api/admin/api-keys", new { name = $"scoped {Guid.NewGuid():N}", role = "owner", projectId = mine.ProjectId }, HttpStatusCode.Created);
        using var client = fixture.Client(scoped.Str("key"));

        var projects = await client.GetOkAsync("api/admin/projects");
        Assert.Equal([mine.ProjectId], projects["items"]!.AsArray().Select(p => p!.Int("id")));
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{mine.ProjectId}/features", new { name = "mine_only" }, HttpStatusCode.Created);
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{other.ProjectId}/features", new { name = "not_here" }, HttpStatusCode.Forbidden);
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/environments/{other.EnvironmentId}/feature-states", null, HttpStatusCode.Forbidden);
        await client.AssertProblemAsync(HttpMethod.Post, "api/admin/projects", new { name = "new project" }, HttpStatusCode.Forbidden);
    }

    [Fact]
    public async Task AnUnknownRoleIsRefusedNamingTheField()
    {
        using var owner = fixture.Client();
        await owner.AssertProblemAsync(HttpMethod.Post, "api/admin/api-keys", "{\"name\":\"odd\",\"role\":99}", HttpStatusCode.BadRequest, "role");
    }

    /// <summary>A project of Acme's with one of everything, by the names of the route parameters that point at them.</summary>
    private async Task<Dictionary<string, string>> SeedAsync(HttpClient owner)
    {
        var project = await fixture.NewProjectAsync(owner);
        var feature = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "banner" }, HttpStatusCode.Created);
        var segment = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "beta", rules = Array.Empty<object>() }, HttpStatusCode.Created);
        var identity = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/identities", new { identifier = "alice" }, HttpStatusCode.Created);
        await owner.SendOkAsync(HttpMethod.Put, $"api/admin/identities/{identity.Int("id")}/traits/plan", new { value = "gold" });
        var states = await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states");
        var webhook = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/webhooks", new { url = "https://example.com/hook", enabled = true }, HttpStatusCode.Created);
        var keys = await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/server-side-keys");
        var apiKeys = await owner.GetOkAsync("api/admin/api-keys");
        var group = await owner.SendOkAsync(HttpMethod.Post, "api/admin/groups", new { name = $"Team {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var role = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/roles", new { groupId = group.Int("id"), role = "Viewer" });
        var changeRequest = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/change-requests",
            new { title = "Switch the banner on", enabled = true, value = "on" }, HttpStatusCode.Created);
        var invitation = await owner.SendOkAsync(HttpMethod.Post, "api/admin/invitations", new { email = $"{Guid.NewGuid():N}@example.com", role = "Member" }, HttpStatusCode.Created);
        return new Dictionary<string, string>
        {
            ["groupId"] = group.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["roleId"] = role.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["invitationId"] = invitation.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Nobody in particular: a change to a person is refused before the person is looked up.
            ["userId"] = "someone",
            ["number"] = "1",
            ["changeRequestId"] = changeRequest.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["projectId"] = project.ProjectId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["environmentId"] = project.EnvironmentId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["featureId"] = feature.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["segmentId"] = segment.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["identityId"] = identity.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["stateId"] = states["items"]![0]!.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["webhookId"] = webhook.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["keyId"] = keys.AsArray()[0]!.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["apiKeyId"] = apiKeys.AsArray()[0]!.Int("id").ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["key"] = "plan",
        };
    }

    private JsonNode? _document;

    private async Task<JsonNode> DocumentAsync(HttpClient client) => _document ??= await client.GetOkAsync("openapi/v1.json");

    private async Task<List<(string Method, string Path, JsonNode? Body)>> OperationsAsync(HttpClient client)
    {
        var document = await DocumentAsync(client);
        var operations = new List<(string, string, JsonNode?)>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            if (!path.StartsWith("/api/admin", StringComparison.Ordinal))
            {
                continue;
            }

            foreach (var (method, operation) in item!.AsObject())
            {
                operations.Add((method.ToUpperInvariant(), path, operation!["requestBody"]?["content"]?["application/json"]?["schema"]));
            }
        }

        return operations;
    }

    private static string Fill(string template, Dictionary<string, string> ids) =>
        PathParameter().Replace(template, match => ids.TryGetValue(match.Groups[1].Value, out var id) ? id : throw new InvalidOperationException($"No value for {match.Value} in {template}"));

    /// <summary>A body that satisfies the schema's shape, so that the answer is about the key's role, not about the body.</summary>
    private static JsonNode? Sample(JsonNode schema, Dictionary<string, string> ids, JsonNode document, string? name = null, int depth = 0)
    {
        if (schema["$ref"]?.GetValue<string>() is { } reference)
        {
            schema = document["components"]!["schemas"]![reference.Split('/')[^1]]!;
        }

        if (depth > 4)
        {
            return null;
        }

        if ((schema["oneOf"] ?? schema["anyOf"]) is JsonArray options
            && options.FirstOrDefault(o => o?["type"]?.GetValue<string>() != "null") is { } option)
        {
            return Sample(option, ids, document, name, depth + 1);
        }

        if (name is not null && name.EndsWith("Id", StringComparison.Ordinal) && ids.TryGetValue(name, out var id))
        {
            return int.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var number) ? JsonValue.Create(number) : JsonValue.Create(id);
        }

        if (schema["enum"] is JsonArray choices && choices.FirstOrDefault(c => c is not null) is { } choice)
        {
            return choice.DeepClone();
        }

        var type = schema["type"]?.ToJsonString() ?? "";
        if (schema["properties"] is JsonObject properties)
        {
            var body = new JsonObject();
            foreach (var (property, propertySchema) in properties)
            {
                body[property] = Sample(propertySchema!, ids, document, property, depth + 1);
            }

            return body;
        }

        return name switch
        {
            "version" => JsonValue.Create(1),
            "url" => JsonValue.Create("https://example.com/other-hook"),
            _ when schema["format"]?.GetValue<string>() == "date-time" => JsonValue.Create(DateTimeOffset.UtcNow.AddHours(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture)),
            _ when type.Contains("array", StringComparison.Ordinal) => new JsonArray(),
            _ when type.Contains("boolean", StringComparison.Ordinal) => JsonValue.Create(true),
            _ when type.Contains("integer", StringComparison.Ordinal) || type.Contains("number", StringComparison.Ordinal) => JsonValue.Create(1),
            _ => JsonValue.Create($"sample_{depth}"),
        };
    }

    [GeneratedRegex(@"\{([A-Za-z]+)\}")]
    private static partial Regex PathParameter();
}
