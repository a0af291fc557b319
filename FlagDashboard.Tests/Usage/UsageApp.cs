using System.Text.Json.Nodes;
using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage;

/// <summary>A running app seeded for the usage API: the sample environment imported into Acme/Web and an admin API key.</summary>
internal static class UsageApp
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    /// <returns>The admin API key, and the id of the imported environment (read through its document, which counts as one SDK call).</returns>
    public static async Task<(string ApiKey, int EnvironmentId)> SeedAsync(AppProcess app)
    {
        var import = await app.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        Assert.True(import.ExitCode == 0, import.Error);
        var key = await app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "usage");
        Assert.True(key.ExitCode == 0, key.Error);
        using var server = SdkClient(app, import.Output.TrimEnd().Split('\n')[^1]);
        var document = JsonNode.Parse(await server.GetStringAsync("environment-document/", Cancel))!;
        return (key.Output.TrimEnd().Split('\n')[^1], document["id"]!.GetValue<int>());
    }

    public static HttpClient SdkClient(AppProcess app, string key = SampleDocuments.DevelopmentKey)
    {
        var client = app.CreateClient();
        client.BaseAddress = new Uri(app.BaseAddress, "api/v1/");
        client.DefaultRequestHeaders.Add("X-Environment-Key", key);
        return client;
    }

    public static HttpClient AdminClient(AppProcess app, string apiKey)
    {
        var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {apiKey}");
        return client;
    }
}
