using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class IdentitiesApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AnIdentityGetsTraitsAndOverridesAndIsDeleted()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var feature = await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "beta_ui" }, HttpStatusCode.Created);
        var identities = $"api/admin/environments/{project.EnvironmentId}/identities";

        var created = await client.SendOkAsync(HttpMethod.Post, identities, new { identifier = "alice@example.com" }, HttpStatusCode.Created);
        var id = created.Int("id");
        await client.AssertProblemAsync(HttpMethod.Post, identities, new { identifier = "alice@example.com" }, HttpStatusCode.BadRequest, "identifier");
        await client.AssertProblemAsync(HttpMethod.Post, identities, new { identifier = "" }, HttpStatusCode.BadRequest, "identifier");

        await client.SendOkAsync(HttpMethod.Put, $"api/admin/identities/{id}/traits/plan", new { value = "pro" });
        await client.SendOkAsync(HttpMethod.Put, $"api/admin/identities/{id}/traits/seats", new { value = 12 });
        var overridden = await client.SendOkAsync(HttpMethod.Put, $"api/admin/identities/{id}/overrides/{feature.Int("id")}", new { enabled = true, value = "on for alice" });
        Assert.Equal(id, overridden.Int("identityId"));

        var read = await client.GetOkAsync($"api/admin/identities/{id}");
        Assert.Equal(["plan", "seats"], read["traits"]!.AsArray().Select(t => t!.Str("key")).ToArray());
        Assert.Equal(12, read["traits"]![1]!["value"]!.GetValue<int>());
        Assert.Equal("on for alice", read["overrides"]![0]!.Str("value"));

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/identities/{id}/traits/plan", expected: HttpStatusCode.NoContent);
        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/identities/{id}/overrides/{feature.Int("id")}", expected: HttpStatusCode.NoContent);
        read = await client.GetOkAsync($"api/admin/identities/{id}");
        Assert.Single(read["traits"]!.AsArray());
        Assert.Empty(read["overrides"]!.AsArray());

        await client.SendOkAsync(HttpMethod.Delete, $"api/admin/identities/{id}", expected: HttpStatusCode.NoContent);
        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/identities/{id}", null, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task IdentitiesAreSearchedByPrefixAPageAtATime()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        var identities = $"api/admin/environments/{project.EnvironmentId}/identities";
        foreach (var identifier in new[] { "user-1", "user-2", "user-3", "admin-1" })
        {
            await client.SendOkAsync(HttpMethod.Post, identities, new { identifier }, HttpStatusCode.Created);
        }

        var page = await client.GetOkAsync($"{identities}?prefix=user-&page=2&pageSize=2");

        Assert.Equal(3, page.Int("totalCount"));
        Assert.Equal(["user-3"], page["items"]!.AsArray().Select(i => i!.Str("identifier")).ToArray());
    }
}
