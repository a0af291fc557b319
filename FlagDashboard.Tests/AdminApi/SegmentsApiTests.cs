using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class SegmentsApiTests(AdminApiFixture fixture)
{
    private static object Rules(string plan) => new[]
    {
        new { type = "All", conditions = new[] { new { property = "plan", @operator = "EQUAL", value = plan } }, rules = Array.Empty<object>() },
    };

    [Fact]
    public async Task ASegmentIsCreatedReadUpdatedAndDeleted()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        var created = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "beta", description = "Beta users", rules = Rules("beta") }, HttpStatusCode.Created);
        var id = created.Int("id");
        Assert.Equal("plan", created["rules"]![0]!["conditions"]![0]!.Str("property"));

        var updated = await client.SendOkAsync(HttpMethod.Put, $"api/admin/segments/{id}", new { name = "beta", rules = Rules("enterprise"), version = created.Int("version") });
        Assert.Equal("enterprise", updated["rules"]![0]!["conditions"]![0]!.Str("value"));
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/segments/{id}", new { name = "beta", rules = Rules("x"), version = created.Int("version") }, HttpStatusCode.Conflict);
        Assert.Equal("enterprise", (await client.GetOkAsync($"api/admin/segments/{id}"))["rules"]![0]!["conditions"]![0]!.Str("value"));
        Assert.Single((await client.GetOkAsync($"api/admin/projects/{project.ProjectId}/segments"))["items"]!.AsArray());

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/segments/{id}", expected: HttpStatusCode.NoContent);
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/segments/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task ABadRuleGets400NamingItsPath()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var rules = new[] { new { type = "All", conditions = new[] { new { property = "plan", @operator = "NOT_AN_OPERATOR", value = "x" } }, rules = Array.Empty<object>() } };

        var (status, answer) = await client.SendAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "broken", rules });

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(answer!["errors"]!.AsObject(), e => e.Key.StartsWith("rules[0].conditions[0]", StringComparison.Ordinal));
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "no rules" }, HttpStatusCode.BadRequest, "rules");
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", """{"name":"x","rules":[{"type":"SOME"}]}""", HttpStatusCode.BadRequest, "rules[0].type");
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", """{"name":"x","rules":[null]}""", HttpStatusCode.BadRequest, "rules[0]");
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", """{"name":"x","rules":[{"type":"ALL","conditions":null}]}""", HttpStatusCode.BadRequest, "rules[0].conditions");
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments",
            """{"name":"x","rules":[{"type":"ALL","conditions":[{"property":null,"operator":"EQUAL","value":"a"}]}]}""", HttpStatusCode.BadRequest, "rules[0].conditions[0].property");
    }

    [Fact]
    public async Task SegmentOverridesAreCreatedChangedReorderedAndRemoved()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var feature = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "banner", initialValue = "default" }, HttpStatusCode.Created);
        var beta = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "beta", rules = Rules("beta") }, HttpStatusCode.Created);
        var staff = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/segments", new { name = "staff", rules = Rules("staff") }, HttpStatusCode.Created);
        var overrides = $"api/admin/environments/{project.EnvironmentId}/segment-overrides";

        var first = await client.SendOkAsync(HttpMethod.Post, overrides, new { featureId = feature.Int("id"), segmentId = beta.Int("id"), enabled = true, value = "beta" }, HttpStatusCode.Created);
        var second = await client.SendOkAsync(HttpMethod.Post, overrides, new { featureId = feature.Int("id"), segmentId = staff.Int("id"), enabled = true, value = "staff" }, HttpStatusCode.Created);
        await client.AssertProblemAsync(HttpMethod.Post, overrides, new { featureId = feature.Int("id"), segmentId = beta.Int("id"), enabled = true, value = "again" }, HttpStatusCode.BadRequest, "segmentId");
        Assert.Equal([0, 1], new[] { first.Int("segmentPriority"), second.Int("segmentPriority") });

        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{first.Int("id")}", new { enabled = false, value = "beta off", version = first.Int("version") });
        var reordered = await client.SendOkAsync(HttpMethod.Put, $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/segment-override-order",
            new { stateIds = new[] { second.Int("id"), first.Int("id") } });
        Assert.Equal(["staff", "beta"], reordered.AsArray().Select(o => o!.Str("segmentName")).ToArray());
        Assert.Equal("beta off", reordered[1]!.Str("value"));
        await client.AssertProblemAsync(HttpMethod.Put, $"api/admin/environments/{project.EnvironmentId}/features/{feature.Int("id")}/segment-override-order",
            new { stateIds = new[] { second.Int("id") } }, HttpStatusCode.BadRequest, "order");

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/segment-overrides/{first.Int("id")}", expected: HttpStatusCode.NoContent);
        Assert.Single((await client.GetOkAsync(overrides)).AsArray());
    }
}
