using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Webhooks;

[Trait(AppProcess.TraitName, AppProcess.TraitValue)]
public sealed class WebhookRestartTests
{
    [Fact]
    public async Task AnEventNotYetSentWhenTheAppStopsIsSentAfterItStartsAgain()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = new Dictionary<string, string> { ["Webhooks__AllowPrivateAddresses"] = "true" };
        // The sender looks once at start, then not for an hour: the change below stays in the outbox.
        var first = await AppProcess.StartAsync(new Dictionary<string, string>(settings) { ["Webhooks__PollInterval"] = "00:01:00" });
        string dataDirectory;
        await using (first)
        {
            using var client = await ClientAsync(first);
            var project = await client.SendOkAsync(HttpMethod.Post, "api/admin/projects", new { name = "Shop" }, HttpStatusCode.Created);
            var environment = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.Int("id")}/environments", new { name = "Production" }, HttpStatusCode.Created);
            await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.Int("id")}/features", new { name = "durable" }, HttpStatusCode.Created);
            await client.SendOkAsync(HttpMethod.Post, $"api/admin/environments/{environment.Int("id")}/webhooks", new { url = receiver.Url.ToString() }, HttpStatusCode.Created);
            var state = (await client.GetOkAsync($"api/admin/environments/{environment.Int("id")}/feature-states"))["items"]![0]!;
            await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "kept", version = state.Int("version") });

            Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(20)));
            Assert.Empty(receiver.Received);
            dataDirectory = first.DataDirectory;
        }

        await using var second = await AppProcess.StartAsync(new Dictionary<string, string>(settings) { ["Webhooks__PollInterval"] = "00:00:00.100" }, dataDirectory);

        var received = await receiver.WaitForAsync(1);
        Assert.Equal("kept", JsonNode.Parse(received[0].Body)!["data"]!["new_state"]!.Str("value"));
    }

    private static async Task<HttpClient> ClientAsync(AppProcess app)
    {
        var created = await app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "ci");
        Assert.True(created.ExitCode == 0, created.Error);
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {created.Output.Trim().Split('\n')[^1].Trim()}");
        return client;
    }
}
