using System.Net;

namespace FlagDashboard.Tests.AdminApi;

/// <summary>
/// A NUL character in a query string: PostgreSQL cannot compare text with U+0000, so it failed as a server error,
/// which the error page then turned into a redirect to the sign-in page. It is a 400 on every path.
/// </summary>
[Collection(AdminApiCollection.Name)]
public sealed class HostileQueryTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task ANulInAnApiQueryIsA400NamingTheParameter()
    {
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);

        await client.AssertProblemAsync(HttpMethod.Get, $"api/admin/environments/{project.EnvironmentId}/identities?prefix=a%00", null, HttpStatusCode.BadRequest, "prefix");
        await client.AssertProblemAsync(HttpMethod.Get, "api/admin/audit?actor=%00", null, HttpStatusCode.BadRequest, "actor");
        await client.AssertProblemAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/environment-documents?environmentName=x%00", "{}", HttpStatusCode.BadRequest, "environmentName");
    }

    [Fact]
    public async Task ANulInAPageQueryIsA400NotARedirectToSignIn()
    {
        using var client = fixture.App.CreateClient();

        using var response = await client.GetAsync("account/login?ReturnUrl=%2F%00", AdminApiHttp.Cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Null(response.Headers.Location);
    }
}
