using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Environments;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Sdk;

public sealed class SdkApiTests(ImportedEnvironment environment) : IClassFixture<ImportedEnvironment>
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FlagsAnswerTheEnvironmentsOwnStatesWithTheirTypes()
    {
        using var client = environment.CreateSdkClient();

        var flags = await GetArrayAsync(client, "flags/");

        var byName = flags.ToDictionary(f => f!["feature"]!["name"]!.GetValue<string>());
        Assert.Equal("Hello, world", byName["welcome_banner"]!["feature_state_value"]!.GetValue<string>());
        Assert.Equal("25", byName["max_items"]!["feature_state_value"]!.ToJsonString());
        Assert.Equal("1.0", byName["price_multiplier"]!["feature_state_value"]!.ToJsonString());
        Assert.Equal("MULTIVARIATE", byName["checkout_flow"]!["feature"]!["type"]!.GetValue<string>());
        // The sample project hides disabled flags.
        Assert.DoesNotContain("dark_mode", byName.Keys);
        Assert.All(flags, f => Assert.Null(f!["identity"]));
    }

    [Fact]
    public async Task FlagsCarryAnETagAndAnswer304WhenUnchanged()
    {
        using var client = environment.CreateSdkClient();
        var first = await client.GetAsync("flags/", Cancel);
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.True(double.TryParse(first.Headers.GetValues("x-flagsmith-document-updated-at").Single(), System.Globalization.CultureInfo.InvariantCulture, out _));

        using var request = new HttpRequestMessage(HttpMethod.Get, "flags/");
        request.Headers.IfNoneMatch.Add(etag);
        var second = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.NotModified, second.StatusCode);
        Assert.Empty(await second.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Fact]
    public async Task HeadOnFlagsAnswersTheHeadersWithoutTheBody()
    {
        using var client = environment.CreateSdkClient();
        using var request = new HttpRequestMessage(HttpMethod.Head, "flags/");

        var response = await client.SendAsync(request, Cancel);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.NotNull(response.Headers.ETag);
        Assert.True(response.Content.Headers.ContentLength > 0);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Cancel));
    }

    [Theory]
    [InlineData(null, "X-Environment-Key")]
    [InlineData("not-a-key", "Invalid environment key")]
    [InlineData("ser.not-a-key", "Invalid environment key")]
    public async Task AMissingOrUnknownKeyIs403WithADetail(string? key, string expected)
    {
        using var client = environment.CreateSdkClient(key);

        var response = await client.GetAsync("flags/", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains(expected, await DetailAsync(response));
    }

    [Fact]
    public async Task TheEnvironmentDocumentNeedsAServerSideKey()
    {
        using var clientKey = environment.CreateSdkClient();
        using var serverKey = environment.CreateSdkClient(environment.ServerKey);

        var refused = await clientKey.GetAsync("environment-document/", Cancel);
        var served = await serverKey.GetAsync("environment-document/", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("server-side", await DetailAsync(refused));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        var document = JsonNode.Parse(await served.Content.ReadAsStringAsync(Cancel))!;
        Assert.Equal(ImportedEnvironment.ClientKey, document["api_key"]!.GetValue<string>());
        Assert.NotNull(served.Headers.ETag);
    }

    [Fact]
    public async Task PostingAnIdentityAnswers200WithItsFlagsAndTypedTraits()
    {
        using var client = environment.CreateSdkClient();

        var response = await client.PostAsync("identities/", Json("""
            {"identifier": "typed-traits", "traits": [
              {"trait_key": "s", "trait_value": "text"}, {"trait_key": "i", "trait_value": 7},
              {"trait_key": "d", "trait_value": 7.0}, {"trait_key": "b", "trait_value": true},
              {"trait_key": "t", "trait_value": "once", "transient": true}]}
            """), Cancel);
        var stored = await GetObjectAsync(client, "identities/?identifier=typed-traits");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var answer = JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!;
        Assert.NotEmpty(answer["flags"]!.AsArray());
        Assert.Equal("""[{"trait_key":"s","trait_value":"text"},{"trait_key":"i","trait_value":7},{"trait_key":"d","trait_value":7.0},{"trait_key":"b","trait_value":true},{"trait_key":"t","trait_value":"once","transient":true}]""",
            answer["traits"]!.ToJsonString());
        Assert.Equal("""[{"trait_key":"s","trait_value":"text"},{"trait_key":"i","trait_value":7},{"trait_key":"d","trait_value":7.0},{"trait_key":"b","trait_value":true}]""",
            stored["traits"]!.ToJsonString());
    }

    [Fact]
    public async Task AnIdentityOverrideAppliesByExactIdentifier()
    {
        var sample = JsonNode.Parse(await File.ReadAllTextAsync(ImportedEnvironment.SamplePath, Cancel))!;
        var overridden = sample["identity_overrides"]!.AsArray().Single(o => o!["identifier"]!.GetValue<string>() == "007")!;
        var state = overridden["identity_features"]![0]!;
        var feature = state["feature"]!["name"]!.GetValue<string>();
        using var client = environment.CreateSdkClient();

        var exact = await GetObjectAsync(client, "identities/?identifier=007&transient=true");
        var numericTwin = await GetObjectAsync(client, "identities/?identifier=7&transient=true");

        Assert.Equal(state["feature_state_value"]!.ToJsonString(), FlagOf(exact, feature)?["feature_state_value"]?.ToJsonString() ?? "null");
        Assert.NotEqual(state["feature_state_value"]!.ToJsonString(), FlagOf(numericTwin, feature)?["feature_state_value"]?.ToJsonString());
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[]", "body: expected an object")]
    [InlineData("{}", "identifier: required")]
    [InlineData("""{"identifier": 12}""", "identifier: expected a string")]
    [InlineData("""{"identifier": ""}""", "identifier: required")]
    [InlineData("""{"identifier": "a\u0000b"}""", "control characters")]
    [InlineData("""{"identifier": "u", "traits": {}}""", "traits: expected an array")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_value": 1}]}""", "traits[0].trait_key: required")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "k", "trait_value": {"a": 1}}]}""", "traits[0].trait_value: expected a string, number, boolean or null")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "k", "trait_value": 123456789012345678901234567890}]}""", "traits[0].trait_value")]
    [InlineData("""{"identifier": "u", "transient": "yes"}""", "transient: expected true or false")]
    [InlineData("""{"identifier": "\ud800"}""", "identifier: not valid Unicode")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "\udc00", "trait_value": 1}]}""", "traits[0].trait_key: not valid Unicode")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "k", "trait_value": "a\ud800"}]}""", "traits[0].trait_value: not valid Unicode")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "a\u0000b", "trait_value": 1}]}""", "traits[0].trait_key: Contains a NUL character")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "k", "trait_value": "a\u0000b"}]}""", "traits[0].trait_value: Contains a NUL character")]
    [InlineData("""{"identifier": "u", "traits": [{"trait_key": "k", "trait_value": 1e400}]}""", "traits[0].trait_value: The number 1e400 is outside")]
    public async Task ABadIdentityBodyIs400NamingTheField(string body, string expected)
    {
        using var client = environment.CreateSdkClient();

        var response = await client.PostAsync("identities/", Json(body), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await DetailAsync(response));
    }

    [Fact]
    public async Task AVeryLongIdentifierIs400()
    {
        using var client = environment.CreateSdkClient();

        var response = await client.GetAsync($"identities/?identifier={new string('x', 5000)}", Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("at most", await DetailAsync(response));
    }

    [Fact]
    public async Task AHugeBodyIs413AndThousandsOfTraitsAre400()
    {
        using var client = environment.CreateSdkClient();
        var huge = $$"""{"identifier": "u", "traits": [{"trait_key": "k", "trait_value": "{{new string('x', 2 * 1024 * 1024)}}"}]}""";
        var many = JsonSerializer.Serialize(new { identifier = "u", traits = Enumerable.Range(0, 5000).Select(i => new { trait_key = $"k{i}", trait_value = i }) });

        var tooLarge = await client.PostAsync("identities/", Json(huge), Cancel);
        var tooMany = await client.PostAsync("identities/", Json(many), Cancel);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, tooLarge.StatusCode);
        Assert.Contains("larger than", await DetailAsync(tooLarge));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("at most 1000 traits", await DetailAsync(tooMany));
    }

    [Fact]
    public async Task TraitsAreSetOneAtATimeAndInBulk()
    {
        using var client = environment.CreateSdkClient();

        var single = await client.PostAsync("traits/", Json("""{"identity": {"identifier": "trait-user"}, "trait_key": "plan", "trait_value": "pro"}"""), Cancel);
        var bulk = await client.PutAsync("traits/bulk/", Json("""[{"identity": {"identifier": "trait-user"}, "trait_key": "plan", "trait_value": null}, {"identity": {"identifier": "other-user"}, "trait_key": "team", "trait_value": "red"}, {"identity": {"identifier": "trait-user"}, "trait_key": "seats", "trait_value": 5}]"""), Cancel);
        var badBulk = await client.PutAsync("traits/bulk/", Json("""[{"identity": {}, "trait_key": "x", "trait_value": 1}]"""), Cancel);
        var identity = await GetObjectAsync(client, "identities/?identifier=trait-user");

        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(HttpStatusCode.OK, bulk.StatusCode);
        Assert.Equal(
            """[{"trait_key":"plan","trait_value":null,"identity":{"identifier":"trait-user"}},{"trait_key":"team","trait_value":"red","identity":{"identifier":"other-user"}},{"trait_key":"seats","trait_value":5,"identity":{"identifier":"trait-user"}}]""",
            await bulk.Content.ReadAsStringAsync(Cancel));
        Assert.Equal(HttpStatusCode.BadRequest, badBulk.StatusCode);
        Assert.Contains("[0].identity.identifier: required", await DetailAsync(badBulk));
        Assert.Equal("""[{"trait_key":"seats","trait_value":5}]""", identity["traits"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"welcome_banner": "many"}""", "welcome_banner: expected an evaluation count")]
    [InlineData("""{"welcome_banner": -1}""", "welcome_banner: expected an evaluation count")]
    [InlineData("[1]", "body: expected an object")]
    [InlineData("""{"\ud800": 1}""", "not valid Unicode")]
    [InlineData("""{"welcome_banner": 9223372036854775807}""", "welcome_banner: expected an evaluation count")]
    public async Task BadAnalyticsAre400(string body, string expected)
    {
        using var client = environment.CreateSdkClient();

        var response = await client.PostAsync("analytics/flags/", Json(body), Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await DetailAsync(response));
    }

    [Theory]
    [InlineData("identities/", "POST")]
    [InlineData("flags/", "GET")] // Answered by the fast lane, which has no routed endpoint behind it.
    public async Task TheBrowserSdksPreflightIsAllowedFromAnyOrigin(string path, string method)
    {
        using var client = environment.CreateSdkClient(key: null);
        using var request = new HttpRequestMessage(HttpMethod.Options, path);
        request.Headers.Add("Origin", "https://app.example.com");
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", "x-environment-key,content-type,flagsmith-sdk-user-agent");

        var response = await client.SendAsync(request, Cancel);

        Assert.True(response.IsSuccessStatusCode, response.StatusCode.ToString());
        Assert.Equal("*", response.Headers.GetValues("Access-Control-Allow-Origin").Single());
        var allowed = string.Join(",", response.Headers.GetValues("Access-Control-Allow-Headers")).ToLowerInvariant();
        Assert.Contains("x-environment-key", allowed);
        Assert.Contains("flagsmith-sdk-user-agent", allowed);
    }

    [Fact]
    public async Task AnswersExposeTheirETagAndUpdateTimeToOtherOrigins()
    {
        using var client = environment.CreateSdkClient();
        client.DefaultRequestHeaders.Add("Origin", "https://app.example.com");

        var response = await client.GetAsync("flags/", Cancel);

        var exposed = string.Join(",", response.Headers.GetValues("Access-Control-Expose-Headers")).ToLowerInvariant();
        Assert.Contains("etag", exposed);
        Assert.Contains("x-flagsmith-document-updated-at", exposed);
    }

    [Fact]
    public async Task AChangeFromTheCommandLineReachesFlags()
    {
        using var client = environment.CreateSdkClient();
        var changed = environment.WriteChangedDocument("api_version", "2");

        var import = await environment.App.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", changed);

        Assert.Equal(0, import.ExitCode);
        await Eventually.GetAsync(
            async () => FlagOf(await GetArrayAsync(client, "flags/"), "api_version")?["feature_state_value"]?.GetValue<string>(),
            value => value == "2", "GET flags/ to answer the imported value");
    }

    [Fact]
    public async Task ANewServerSideKeyWorksAndARevokedOneIsRefused()
    {
        var environments = new EnvironmentService(environment.App.OpenDatabase(), new FixedActor("test"), CoreServices.OperatorAccess(environment.App.OpenDatabase()), TimeProvider.System);
        var environmentId = (await environments.ResolveKeyAsync(ImportedEnvironment.ClientKey, Cancel))!.EnvironmentId;
        var key = await environments.CreateServerSideKeyAsync(environmentId, "ci", Cancel);
        using var client = environment.CreateSdkClient(key.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("environment-document/", Cancel)).StatusCode);

        await environments.RevokeServerSideKeyAsync(key.Id, Cancel);

        await Eventually.GetAsync(async () => (await client.GetAsync("environment-document/", Cancel)).StatusCode,
            status => status == HttpStatusCode.Forbidden, "the revoked key to be refused");
    }

    [Fact]
    public async Task TheRealTimeStreamRefusesAnUnknownKey()
    {
        using var client = environment.App.CreateClient();

        var response = await client.GetAsync("sse/environments/not-a-key/stream", Cancel);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task TheRealTimeStreamAnnouncesAChange()
    {
        using var client = environment.App.CreateClient();
        client.Timeout = TimeSpan.FromSeconds(30);
        using var response = await client.GetAsync($"sse/environments/{ImportedEnvironment.ClientKey}/stream", HttpCompletionOption.ResponseHeadersRead, Cancel);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancel));
        Assert.Equal(": connected", await reader.ReadLineAsync(Cancel));

        var import = await environment.App.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", environment.WriteChangedDocument("discount_rate", "streamed"));
        Assert.Equal(0, import.ExitCode);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && line != "event: environment_updated");

        Assert.Equal("event: environment_updated", line);
        var data = await reader.ReadLineAsync(timeout.Token);
        Assert.StartsWith("data: {\"updated_at\": ", data);
    }

    private static JsonNode? FlagOf(JsonNode identityOrFlags, string feature) =>
        (identityOrFlags is JsonArray array ? array : identityOrFlags["flags"]!.AsArray())
            .FirstOrDefault(f => f!["feature"]!["name"]!.GetValue<string>() == feature);

    private static async Task<JsonArray> GetArrayAsync(HttpClient client, string path) =>
        JsonNode.Parse(await client.GetStringAsync(path, Cancel))!.AsArray();

    private static async Task<JsonNode> GetObjectAsync(HttpClient client, string path) =>
        JsonNode.Parse(await client.GetStringAsync(path, Cancel))!;

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync(Cancel))!["detail"]!.GetValue<string>();
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
}
