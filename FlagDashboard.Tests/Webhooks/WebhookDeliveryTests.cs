using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Webhooks;

[Collection(AdminApiCollection.Name)]
[Trait(AppProcess.TraitName, AppProcess.TraitValue)]
public sealed class WebhookDeliveryTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AFlagChangeIsPostedSignedWithTheWebhooksSecret()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = fixture.Client();
        var (project, state) = await ProjectWithFeatureAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/webhooks", new { url = receiver.Url.ToString(), secret = "s3cret" }, HttpStatusCode.Created);

        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "green", version = state.Int("version") });

        var received = (await receiver.WaitForAsync(1))[0];
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("s3cret"), received.RawBody));
        Assert.Equal(expected, received.Signature);
        Assert.StartsWith("application/json", received.ContentType);
        var payload = JsonNode.Parse(received.Body)!;
        Assert.Equal("FLAG_UPDATED", payload.Str("event_type"));
        var data = payload["data"]!;
        Assert.Equal("api-key:tests", data.Str("changed_by"));
        Assert.Equal(project.EnvironmentId, data.Int("environment_id"));
        Assert.Equal("green", data["new_state"]!.Str("value"));
        Assert.True(data["new_state"]!["enabled"]!.GetValue<bool>());
        Assert.Equal("red", data["previous_state"]!.Str("value"));
        Assert.False(string.IsNullOrEmpty(data.Str("timestamp")));

        var deliveries = await WaitForDeliveryAsync(client, project.EnvironmentId, d => d.Str("status") == "Delivered");
        Assert.Equal(200, deliveries.Int("lastStatusCode"));
    }

    [Fact]
    public async Task ASegmentOverrideChangeAndItsRemovalArePosted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = fixture.Client();
        var (project, state) = await ProjectWithFeatureAsync(client);
        var segment = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "beta", rules = Array.Empty<object>() }, HttpStatusCode.Created);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/webhooks", new { url = receiver.Url.ToString() }, HttpStatusCode.Created);

        var created = await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/segment-overrides",
            new { featureId = state.Int("featureId"), segmentId = segment.Int("id"), enabled = true, value = "beta" }, HttpStatusCode.Created);
        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/segment-overrides/{created.Int("id")}", expected: HttpStatusCode.NoContent);

        var received = (await receiver.WaitForAsync(2)).Select(r => JsonNode.Parse(r.Body)!).OrderBy(p => p["data"]!.Str("timestamp")).ToList();
        Assert.Equal(["FLAG_UPDATED", "FLAG_DELETED"], received.Select(p => p.Str("event_type")).ToArray());
        Assert.Equal("SegmentOverride", received[0]["data"]!.Str("entity_type"));
        Assert.Null(received[1]["data"]!["new_state"]);
        Assert.Equal("beta", received[1]["data"]!["previous_state"]!.Str("value"));
    }

    [Fact]
    public async Task AFailedDeliveryIsRetriedWithTheSameSignedBody()
    {
        await using var receiver = await WebhookReceiver.StartAsync(failFirst: 1);
        using var client = fixture.Client();
        var (project, state) = await ProjectWithFeatureAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{project.EnvironmentId}/webhooks", new { url = receiver.Url.ToString() }, HttpStatusCode.Created);

        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "retry", version = state.Int("version") });

        var received = await receiver.WaitForAsync(2);
        Assert.Equal(received[0].Body, received[1].Body);
        Assert.Equal(received[0].Signature, received[1].Signature);
        var delivery = await WaitForDeliveryAsync(client, project.EnvironmentId, d => d.Str("status") == "Delivered");
        Assert.Equal(2, delivery.Int("attempts"));
    }

    [Fact]
    public async Task ADeadOrHangingReceiverSlowsNeitherTheChangeNorOtherReceivers()
    {
        await using var hanging = await WebhookReceiver.StartAsync(hang: true);
        await using var healthy = await WebhookReceiver.StartAsync();
        using var client = fixture.Client();
        var (project, state) = await ProjectWithFeatureAsync(client);
        var hooks = $"api/admin/environments/{project.EnvironmentId}/webhooks";
        // A free port is one nothing listens on: connections are refused.
        var deadUrl = $"http://127.0.0.1:{AppProcess.FreePort()}/hook";
        await client.SendOkAsync(HttpMethod.Post, hooks, new { url = deadUrl }, HttpStatusCode.Created);
        await client.SendOkAsync(HttpMethod.Post, hooks, new { url = hanging.Url.ToString() }, HttpStatusCode.Created);
        await client.SendOkAsync(HttpMethod.Post, hooks, new { url = healthy.Url.ToString() }, HttpStatusCode.Created);

        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "fast", version = state.Int("version") });
        var changeAnswered = Stopwatch.GetTimestamp();
        var delivered = (await healthy.WaitForAsync(1))[0].ArrivedAt;
        // Waiting for the hanging receiver would mean its request timing out first: neither the change's answer nor
        // the healthy receiver's delivery may come after the sender gave up on it.
        var firstAbandoned = (await hanging.WaitForAbandonedAsync(1))[0];

        Assert.True(changeAnswered < firstAbandoned, "The change was answered only after the hanging receiver's request timed out.");
        Assert.True(delivered < firstAbandoned, "The healthy receiver got its delivery only after the hanging receiver's request timed out.");
        // The dead receiver is given up after the configured 3 attempts, with the reason recorded.
        var dead = await WaitForDeliveryAsync(client, project.EnvironmentId, d => d.Str("url") == deadUrl && d.Str("status") == "Failed");
        Assert.Equal(3, dead.Int("attempts"));
        Assert.False(string.IsNullOrEmpty(dead.Str("lastError")));
    }

    [Fact]
    public async Task WebhooksAreManagedWithVersionsAndValidatedUrls()
    {
        using var client = fixture.Client();
        var (project, _) = await ProjectWithFeatureAsync(client);
        var hooks = $"api/admin/environments/{project.EnvironmentId}/webhooks";

        var created = await client.SendOkAsync(HttpMethod.Post, hooks, new { url = "http://127.0.0.1:9/hook" }, HttpStatusCode.Created);
        Assert.Equal(48, created.Str("secret").Length);
        Assert.Null((await client.GetOkAsync($"api/admin/webhooks/{created.Int("id")}"))["secret"]);
        await client.AssertProblemAsync(HttpMethod.Post, hooks, new { url = "ftp://example.com/hook" }, HttpStatusCode.BadRequest, "url");
        await client.AssertProblemAsync(HttpMethod.Post, hooks, new { url = "not a url" }, HttpStatusCode.BadRequest, "url");
        await client.AssertProblemAsync(HttpMethod.Post, hooks, new { url = "http://127.0.0.1:9/hook" }, HttpStatusCode.BadRequest, "url");

        var updated = await client.SendOkAsync(HttpMethod.Put, $"api/admin/webhooks/{created.Int("id")}", new { url = "http://127.0.0.1:9/other", enabled = false, version = created.Int("version") });
        Assert.False(updated["enabled"]!.GetValue<bool>());
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/webhooks/{created.Int("id")}", new { url = "http://127.0.0.1:9/stale", version = created.Int("version") }, HttpStatusCode.Conflict);
        using var globex = fixture.Client("globex");
        await globex.AssertProblemAsync(HttpMethod.Get, $"api/admin/webhooks/{created.Int("id")}", null, HttpStatusCode.Forbidden);

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/webhooks/{created.Int("id")}", expected: HttpStatusCode.NoContent);
        Assert.Empty((await client.GetOkAsync(hooks)).AsArray());
    }

    [Fact]
    public async Task APrivateAddressIsRefusedUnlessConfigured()
    {
        await using var app = await AppProcess.StartAsync();
        var created = await app.RunVerbAsync("create-api-key", "--organisation", "Initech", "--name", "ci");
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {created.Output.Trim().Split('\n')[^1].Trim()}");
        var project = await client.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = "Shop" }, HttpStatusCode.Created);
        var environment = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.Int("id")}/environments", new { name = "Production" }, HttpStatusCode.Created);
        var hooks = $"api/admin/environments/{environment.Int("id")}/webhooks";

        foreach (var url in new[] { "http://127.0.0.1:8080/hook", "http://localhost/hook", "http://10.1.2.3/hook", "http://192.168.0.10/hook", "http://[::1]/hook", "http://169.254.169.254/latest" })
        {
            await client.AssertProblemAsync(HttpMethod.Post, hooks, new { url }, HttpStatusCode.BadRequest, "url");
        }

        await client.SendOkAsync(HttpMethod.Post, hooks, new { url = "https://hooks.example.com/flags" }, HttpStatusCode.Created);
    }

    private static async Task<(TestProject Project, JsonNode State)> ProjectWithFeatureAsync(HttpClient client)
    {
        var project = await NewProjectAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "checkout_colour", initialValue = "red" }, HttpStatusCode.Created);
        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;
        return (project, state);
    }

    private static async Task<TestProject> NewProjectAsync(HttpClient client)
    {
        var project = await client.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = $"Hooks {Guid.NewGuid():N}" }, HttpStatusCode.Created);
        var environment = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.Int("id")}/environments", new { name = "Production" }, HttpStatusCode.Created);
        return new TestProject(project.Int("id"), environment.Int("id"), environment.Str("clientKey"));
    }

    private static async Task<JsonNode> WaitForDeliveryAsync(HttpClient client, int environmentId, Func<JsonNode, bool> match)
    {
        var items = await Eventually.GetAsync(
            async () => (await client.GetOkAsync($"api/admin/environments/{environmentId}/webhook-deliveries"))["items"]!.AsArray(),
            items => items.Any(d => match(d!)), "a matching webhook delivery");
        return items.First(d => match(d!))!;
    }
}
