using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage;

/// <summary>The usage API's answers to parameters it cannot use, from one seeded app: each only reads.</summary>
[Trait(AppProcess.TraitName, AppProcess.TraitValue)]
public sealed class UsageApiBadParametersTests(UsageApiBadParametersTests.SeededApp seeded) : IClassFixture<UsageApiBadParametersTests.SeededApp>
{
    [Theory]
    [InlineData("api/usage/series?metric=bananas", "metric")]
    [InlineData("api/usage/series?scope=project", "id")]
    [InlineData("api/usage/series?from=yesterday", "from")]
    [InlineData("api/usage/series?from=2026-11-25T10:00:00Z&to=2026-11-25T09:00:00Z", "to")]
    [InlineData("api/usage/series?from=2000-01-01T00:00:00Z", "from")]
    [InlineData("api/usage/series?scope=environment&id=999", "id")]
    [InlineData("api/usage/series?group=feature", "group")]
    [InlineData("api/usage/flags", "environment")]
    [InlineData("api/usage/flags?environment=not-a-key", "environment")]
    [InlineData("api/usage/series?to=9999-12-31T23:59:59Z", "to")]
    [InlineData("api/usage/series?window=1m&from=2026-11-01T00:00:00Z", "window")]
    [InlineData("api/usage/series?from=11/25/2026", "from")]
    [InlineData("api/usage/series?metric=flag_evaluations&group=resource", "group")]
    public async Task BadParametersAre400ProblemDetailsNamingTheParameter(string path, string parameter)
    {
        var cancel = TestContext.Current.CancellationToken;
        using var admin = UsageApp.AdminClient(seeded.App, seeded.ApiKey);

        var response = await admin.GetAsync(path, cancel);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync(cancel))!["errors"]![parameter]);
    }

    public sealed class SeededApp : IAsyncLifetime
    {
        public AppProcess App { get; private set; } = null!;

        public string ApiKey { get; private set; } = "";

        public async ValueTask InitializeAsync()
        {
            App = await AppProcess.StartAsync();
            (ApiKey, _) = await UsageApp.SeedAsync(App);
        }

        public async ValueTask DisposeAsync()
        {
            if (App is { } app)
            {
                await app.DisposeAsync();
            }
        }
    }
}
