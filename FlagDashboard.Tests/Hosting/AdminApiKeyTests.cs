using System.Net;
using System.Net.Http.Json;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Hosting;

public sealed class AdminApiKeyTests : IAsyncLifetime
{
    private AppProcess _app = null!;

    public async ValueTask InitializeAsync() => _app = await AppProcess.StartAsync();

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

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
        await _app.RunVerbAsync("create-admin", "--email", "admin@example.com", "--password", "correct-horse");
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
