using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class ChangeRequestsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task InAnEnvironmentThatRequiresAnApprovalTheSdkAnswerChangesOnlyAfterTheCommit()
    {
        using var owner = fixture.Client();
        var project = await fixture.NewProjectAsync(owner);
        using var sdk = fixture.App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", project.ClientKey);
        await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "checkout", initialValue = "old" }, HttpStatusCode.Created);
        var environment = await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}");
        var setting = await owner.SendOkAsync(HttpMethod.Put, $"api/admin/environments/{project.EnvironmentId}/required-approvals", new { requiredApprovals = 1, version = environment.Int("version") });
        Assert.Equal(1, setting.Int("requiredApprovals"));
        var state = (await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;

        // A second key stands for a second person: the author (this key) cannot approve its own request.
        var proposal = await owner.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "new", version = state.Int("version") }, HttpStatusCode.Accepted);
        var url = proposal.Str("location").TrimStart('/');
        var request = await owner.GetOkAsync(url);
        Assert.Equal(("Open", true, "new"), (request.Str("status"), request["proposed"]!["enabled"]!.GetValue<bool>(), request["proposed"]!.Str("value")));
        Assert.Single((await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/change-requests"))["items"]!.AsArray());
        await owner.AssertProblemAsync(HttpMethod.Post, $"{url}/approve", null, HttpStatusCode.BadRequest, "approver");
        await owner.AssertProblemAsync(HttpMethod.Post, $"{url}/commit", null, HttpStatusCode.BadRequest, "approvals");
        Assert.Equal("old", (await SdkFlagAsync(sdk, "checkout"))["feature_state_value"]!.GetValue<string>());

        var reviewerKey = await owner.SendOkAsync(HttpMethod.Post, "api/admin/api-keys", new { name = $"reviewer {Guid.NewGuid():N}", role = "owner" }, HttpStatusCode.Created);
        using var reviewer = fixture.Client(reviewerKey.Str("key"));
        var approved = await reviewer.SendOkAsync(HttpMethod.Post, $"{url}/approve");
        Assert.True(approved["canBeCommitted"]!.GetValue<bool>());
        Assert.Equal("old", (await SdkFlagAsync(sdk, "checkout"))["feature_state_value"]!.GetValue<string>());

        var committed = await reviewer.SendOkAsync(HttpMethod.Post, $"{url}/commit");

        Assert.Equal("Committed", committed.Str("status"));
        var flag = await Eventually.GetAsync(() => SdkFlagAsync(sdk, "checkout"), f => f["feature_state_value"]!.GetValue<string>() == "new", "the SDK to serve the committed value");
        Assert.True(flag["enabled"]!.GetValue<bool>());
        await owner.AssertProblemAsync(HttpMethod.Post, $"{url}/close", null, HttpStatusCode.BadRequest, "status");
    }

    [Fact]
    public async Task AChangeScheduledThroughTheApiIsListedGoesLiveAtItsTimeAndAnotherCanBeCancelled()
    {
        using var owner = fixture.Client();
        var project = await fixture.NewProjectAsync(owner);
        using var sdk = fixture.App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", project.ClientKey);
        var feature = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "launch", initialValue = "old" }, HttpStatusCode.Created);
        var url = $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/change-requests";

        await owner.AssertProblemAsync(HttpMethod.Post, url, new { title = "past", enabled = true, value = "x", scheduledFor = DateTimeOffset.UtcNow.AddMinutes(-1) }, HttpStatusCode.BadRequest, "scheduledFor");
        var cancelled = await owner.SendOkAsync(HttpMethod.Post, url, new { title = "Never", enabled = true, value = "never", scheduledFor = DateTimeOffset.UtcNow.AddDays(1) }, HttpStatusCode.Created);
        var soon = await owner.SendOkAsync(HttpMethod.Post, url, new { title = "Soon", enabled = true, value = "soon", scheduledFor = DateTimeOffset.UtcNow.AddSeconds(2) }, HttpStatusCode.Created);
        Assert.Equal("Scheduled", soon.Str("status"));

        var listed = (await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/scheduled-changes"))["items"]!.AsArray();
        Assert.Equal(["Soon", "Never"], listed.Select(i => i!.Str("title")));
        await owner.SendOkAsync(HttpMethod.Post, $"api/admin/change-requests/{cancelled.Int("id")}/close");

        var flag = await Eventually.GetAsync(() => SdkFlagAsync(sdk, "launch"), f => f["feature_state_value"]!.GetValue<string>() == "soon", "the SDK to serve the scheduled value");
        Assert.True(flag["enabled"]!.GetValue<bool>());
        Assert.Equal("Committed", (await owner.GetOkAsync($"api/admin/change-requests/{soon.Int("id")}")).Str("status"));
        Assert.Empty((await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/scheduled-changes"))["items"]!.AsArray());
    }

    [Fact]
    public async Task ABadProposalGets400NamingTheField()
    {
        using var owner = fixture.Client();
        var project = await fixture.NewProjectAsync(owner);
        var feature = await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "checkout" }, HttpStatusCode.Created);
        var url = $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/change-requests";

        await owner.AssertProblemAsync(HttpMethod.Post, url, new { title = "", enabled = true }, HttpStatusCode.BadRequest, "title");
        await owner.AssertProblemAsync(HttpMethod.Post, url, new { title = "x", enabled = true, weights = new[] { new { optionId = 999999, percentage = 10.0 } } }, HttpStatusCode.BadRequest, "proposed");
        var environment = await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}");
        await owner.AssertProblemAsync(HttpMethod.Put, $"api/admin/environments/{project.EnvironmentId}/required-approvals", new { requiredApprovals = -1, version = environment.Int("version") }, HttpStatusCode.BadRequest, "requiredApprovals");
    }

    private static async Task<JsonNode> SdkFlagAsync(HttpClient sdk, string name)
    {
        var flags = JsonNode.Parse(await sdk.GetStringAsync("api/v1/flags/", AdminApiHttp.Cancel))!.AsArray();
        return flags.Single(f => f!["feature"]!["name"]!.GetValue<string>() == name)!;
    }
}
