using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Hosting;

/// <summary>The README's examples, run as a reader would copy them: only the key and the address are filled in.</summary>
public sealed class ReadmeExampleTests
{
    private const string Marker = "FlagDashboard.Tests/Hosting/ReadmeExampleTests.cs";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheAdminApiExampleCreatesAFeatureAndSwitchesItOnWhereOtherFeaturesExist()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/jq") && File.Exists("/usr/bin/curl"), "curl and jq are missing: scripts/test.sh installs them.");
        await using var app = await AppProcess.StartAsync();
        var key = await app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "readme");
        Assert.True(key.ExitCode == 0, key.Error);
        var apiKey = key.Output.TrimEnd().Split('\n')[^1];
        // Another project with a feature first, so that the example's project, environment and state are not the first ones.
        using (var admin = app.CreateClient())
        {
            admin.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {apiKey}");
            var mobile = await admin.PostAsJsonAsync("api/admin/projects", new { name = "Mobile" }, Cancel);
            Assert.Equal(HttpStatusCode.Created, mobile.StatusCode);
            var mobileId = JsonNode.Parse(await mobile.Content.ReadAsStringAsync(Cancel))!["id"]!.GetValue<int>();
            var created = await admin.PostAsJsonAsync($"api/admin/projects/{mobileId}/features", new { name = "new_checkout", initialValue = "v1" }, Cancel);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var imported = await app.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        Assert.True(imported.ExitCode == 0, imported.Error);
        var script = AdminApiExample()
            .Replace("KEY=...", $"KEY={apiKey}", StringComparison.Ordinal)
            .Replace("API=http://localhost:5080/api/admin", $"API={app.BaseAddress}api/admin", StringComparison.Ordinal);

        var run = await CommandResult.RunProgramAsync("bash", ["-euo", "pipefail", "-c", script], new Dictionary<string, string>(),
            Path.GetTempPath(), TimeSpan.FromMinutes(1));

        Assert.True(run.ExitCode == 0, $"The example failed ({run.ExitCode}):\n{run.Output}\n{run.Error}");
        using var sdk = app.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", ImportedEnvironment.ClientKey);
        var flag = JsonNode.Parse(await sdk.GetStringAsync("api/v1/flags/", Cancel))!.AsArray()
            .Single(f => f!["feature"]!["name"]!.GetValue<string>() == "new_checkout")!;
        Assert.True(flag["enabled"]!.GetValue<bool>());
        Assert.Equal("v2", flag["feature_state_value"]!.GetValue<string>());
    }

    /// <summary>The first <c>sh</c> block after the line that names this file.</summary>
    private static string AdminApiExample()
    {
        var readme = File.ReadAllText(Path.Combine(AppPaths.RepositoryRoot, "README.md"));
        var marked = readme.IndexOf(Marker, StringComparison.Ordinal);
        Assert.True(marked >= 0, $"README.md no longer marks the example run by {Marker}.");
        var start = readme.IndexOf("```sh\n", marked, StringComparison.Ordinal) + "```sh\n".Length;
        return readme[start..readme.IndexOf("```", start, StringComparison.Ordinal)];
    }
}
