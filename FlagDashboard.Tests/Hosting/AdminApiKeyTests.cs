using System.Net;
using System.Net.Http.Json;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Hosting;

/// <summary>Admin API keys against one running app with an admin: each test makes its own key or sends none.</summary>
public sealed class AdminApiKeyTests(AppWithAdminFixture fixture) : IClassFixture<AppWithAdminFixture>
{
    private readonly AppProcess _app = fixture.App;

    [Fact]
    public async Task AKeyFromTheCommandLineActsForItsOrganisation()
    {
        var created = await _app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "ci");
        Assert.True(created.ExitCode == 0, created.Error);
        var key = created.Output.Trim().Split('\n')[^1];
        using var client = _app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {key}");

        var organisation = await client.GetFromJsonAsync<OrganisationDto>("api/admin/organisation", TestContext.Current.CancellationToken);

        Assert.Equal("Acme", organisation?.Name);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Api-Key fdk_not-a-real-key")]
    [InlineData("Bearer something")]
    public async Task AMissingOrUnknownKeyGets401NotASignInRedirect(string? authorization)
    {
        using var client = _app.CreateClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.GetAsync("api/admin/organisation", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private sealed record OrganisationDto(int Id, string Name, int Version);
}
