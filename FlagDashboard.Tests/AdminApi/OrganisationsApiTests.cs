using System.Net;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class OrganisationsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task TheKeysOrganisationIsRenamedWithItsVersionAndAStaleRenameGets409()
    {
        using var globex = fixture.Client("globex");
        var organisation = await globex.GetOkAsync("api/admin/organisation");

        var renamed = await globex.SendOkAsync(HttpMethod.Put, "api/admin/organisation", new { name = "Globex " + Guid.NewGuid().ToString("N")[..6], version = organisation.Int("version") });
        await globex.AssertProblemAsync(HttpMethod.Put, "api/admin/organisation", new { name = "Stale", version = organisation.Int("version") }, HttpStatusCode.Conflict);
        await globex.AssertProblemAsync(HttpMethod.Put, "api/admin/organisation", new { name = "", version = renamed.Int("version") }, HttpStatusCode.BadRequest, "name");

        Assert.Equal(organisation.Int("version") + 1, renamed.Int("version"));
        Assert.Equal(renamed.Str("name"), (await globex.GetOkAsync("api/admin/organisation")).Str("name"));
    }
}
