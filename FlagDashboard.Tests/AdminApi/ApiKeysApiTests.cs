using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class ApiKeysApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task AKeyCreatedThroughTheApiWorksUntilItIsRevoked()
    {
        using var acme = fixture.Client();
        var created = await acme.SendOkAsync(HttpMethod.Post, "api/admin/api-keys", new { name = "deploy bot" }, HttpStatusCode.Created);
        using var bot = fixture.Client(created.Str("key"));
        Assert.Equal("Acme", (await bot.GetOkAsync("api/admin/organisation")).Str("name"));
        var listed = await acme.GetOkAsync("api/admin/api-keys");
        Assert.Contains(listed.AsArray(), k => k!.Int("id") == created.Int("id") && k!["key"] is null);
        using var globex = fixture.Client("globex");
        await globex.AssertProblemAsync(HttpMethod.Delete, $"api/admin/api-keys/{created.Int("id")}", null, HttpStatusCode.Forbidden);

        await acme.SendOkAsync(HttpMethod.Delete, $"api/admin/api-keys/{created.Int("id")}", expected: HttpStatusCode.NoContent);

        var (status, _) = await bot.SendAsync(HttpMethod.Get, "api/admin/organisation");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        await acme.AssertProblemAsync(HttpMethod.Post, "api/admin/api-keys", new { name = "" }, HttpStatusCode.BadRequest, "name");
    }
}
