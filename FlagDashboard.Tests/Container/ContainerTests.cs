using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Container;

/// <summary>
/// The image users build from the Dockerfile, exercised with podman: start, user, operator verbs, data in the volume,
/// graceful stop with the usage flush, memory under load. Skipped, never passed, where podman cannot run.
/// </summary>
[Collection(ContainerImageCollection.Name)]
public sealed class ContainerTests(ContainerImage image, ITestOutputHelper output)
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Starts_on_its_defaults_and_serves_health_and_sign_in()
    {
        var container = await StartAsync();
        var clock = Stopwatch.StartNew();

        await container.WaitHealthyAsync();
        var setup = await container.GetAsync("");
        Assert.Equal(HttpStatusCode.Redirect, setup.StatusCode);
        Assert.Equal("/setup", setup.Headers.Location?.OriginalString);
        Assert.Contains("data-testid=\"setup", await (await container.GetAsync("setup")).Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);

        await container.OperatorAsync("create-admin", "--email", "ops@example.com", "--password", "correct horse battery");
        var signIn = await container.GetAsync("account/login");
        Assert.Equal(HttpStatusCode.OK, signIn.StatusCode);
        Assert.Contains("data-testid=\"login-password\"", await signIn.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Check($"health and the sign-in page answered {clock.Elapsed.TotalSeconds:F1} s after start");

        var healthCheck = await image.Podman.RunAsync("healthcheck", "run", container.Id);
        Assert.True(healthCheck.ExitCode == 0, $"the image's HEALTHCHECK failed: {healthCheck.Output}{healthCheck.Error}");
        Check("the image's HEALTHCHECK (the healthcheck verb on /health) reports healthy");
    }

    [Fact]
    public async Task Runs_as_a_non_root_user_that_owns_the_data_volume()
    {
        var container = await StartAsync();
        await container.WaitHealthyAsync();

        var status = (await container.ExecAsync("cat", "/proc/1/status")).Output;
        var uid = status.Split('\n').Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        Assert.NotEqual("0", uid);
        var data = (await container.ExecAsync("ls", "-ln", "/data")).Output;
        Assert.Contains("flagdashboard.db", data, StringComparison.Ordinal);
        Assert.Equal(uid, await container.InspectAsync("{{.Config.User}}"));
        Check($"the app runs as uid {uid}, and its SQLite database is in /data");
    }

    [Fact]
    public async Task Imports_a_flagsmith_document_through_podman_exec()
    {
        var container = await StartAsync();
        await container.WaitHealthyAsync();

        var serverKey = await container.ImportSampleAsync();

        Assert.StartsWith("ser.", serverKey, StringComparison.Ordinal);
        using var sdk = container.CreateClient("api/v1/", "X-Environment-Key", ImportedEnvironment.ClientKey);
        var flags = JsonNode.Parse(await sdk.GetStringAsync("flags/", Cancel))!.AsArray();
        Assert.NotEmpty(flags);
        Check($"import through podman exec: the imported environment answers GET /api/v1/flags/ with {flags.Count} flags");
    }

    [Fact]
    public async Task Keeps_its_data_across_a_restart_and_a_replacement_on_the_same_volume()
    {
        var volume = image.NewVolume();
        var first = await StartAsync(volume);
        await first.WaitHealthyAsync();
        await first.ImportSampleAsync();
        var apiKey = await first.CreateApiKeyAsync();
        using var admin = first.CreateClient("api/admin/", "Authorization", $"Api-Key {apiKey}");
        var project = JsonNode.Parse(await admin.GetStringAsync("projects", Cancel))!["items"]!.AsArray().Single()!["id"]!.GetValue<int>();
        var created = await admin.PostAsJsonAsync($"projects/{project}/features", new { name = "made_in_the_container", initialValue = "kept" }, Cancel);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var flags = await FlagsAsync(first);
        var features = await FeatureNamesAsync(first, apiKey, project);
        Assert.Contains("made_in_the_container", features);

        await first.RestartAsync();
        await first.WaitHealthyAsync();
        Assert.Equal(flags, await FlagsAsync(first));
        Assert.Equal(features, await FeatureNamesAsync(first, apiKey, project));

        await first.RemoveAsync();
        var replacement = await StartAsync(volume);
        await replacement.WaitHealthyAsync();
        Assert.Equal(flags, await FlagsAsync(replacement));
        Assert.Equal(features, await FeatureNamesAsync(replacement, apiKey, project));
        Check("a feature created through the admin API, the imported environment and the API key survive a restart and a replacement container on the same volume");
    }

    [Fact]
    public async Task Stops_gracefully_on_sigterm_and_keeps_the_usage_sent_just_before()
    {
        var container = await StartAsync();
        await container.WaitHealthyAsync();
        await container.ImportSampleAsync();
        var apiKey = await container.CreateApiKeyAsync();
        const int calls = 37;
        using (var sdk = container.CreateClient("api/v1/", "X-Environment-Key", ImportedEnvironment.ClientKey))
        {
            for (var i = 0; i < calls; i++)
            {
                (await sdk.GetAsync("flags/", Cancel)).EnsureSuccessStatusCode();
            }
        }

        // podman sends SIGTERM, then SIGKILL after the timeout: exit code 0 (not 137) says the app ended by itself.
        var clock = Stopwatch.StartNew();
        await container.StopAsync(timeoutSeconds: 60);
        clock.Stop();
        Assert.Equal("0", await container.InspectAsync("{{.State.ExitCode}}"));

        await container.StartAsync();
        await container.WaitHealthyAsync();
        using var admin = container.CreateClient("api/usage/", "Authorization", $"Api-Key {apiKey}");
        var series = JsonNode.Parse(await admin.GetStringAsync("series?metric=api_calls&scope=organisation", Cancel))!;
        Assert.Equal(calls, series["total"]!.GetValue<long>());
        Check($"podman stop ended the app in {clock.Elapsed.TotalSeconds:F1} s with exit code 0; the {calls} SDK calls sent just before were in the usage store after the next start");
    }

    /// <summary>Long enough for the heap to settle under load; every second of it keeps both cores of a test machine busy.</summary>
    private static readonly TimeSpan LoadTime = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Reports_its_memory_after_sdk_load()
    {
        var container = await StartAsync();
        await container.WaitHealthyAsync();
        await container.ImportSampleAsync();
        var idle = await container.ResidentBytesAsync();

        using var sdk = container.CreateClient("api/v1/", "X-Environment-Key", ImportedEnvironment.ClientKey);
        var until = DateTime.UtcNow + LoadTime;
        long requests = 0, failures = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async worker =>
        {
            for (var i = 0; DateTime.UtcNow < until; i++)
            {
                using var response = i % 10 == 0
                    ? await sdk.PostAsJsonAsync("identities/", new { identifier = $"load-{worker}-{i % 500}", traits = new[] { new { trait_key = "plan", trait_value = "pro" } } }, Cancel)
                    : await sdk.GetAsync("flags/", Cancel);
                Interlocked.Increment(ref requests);
                if (!response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var loaded = await container.ResidentBytesAsync();

        Assert.Equal(0, failures);
        await container.WaitHealthyAsync();
        Check($"memory: {idle / 1_048_576} MiB after start, {loaded / 1_048_576} MiB after {LoadTime.TotalSeconds:0} s of SDK load " +
            $"({requests} requests from 8 clients, {requests / LoadTime.TotalSeconds:0} per second, one in ten an identity with traits)");
    }

    private async Task<RunningContainer> StartAsync(string? volume = null)
    {
        Assert.SkipWhen(image.SkipReason is not null, image.SkipReason ?? "");
        return await image.StartAsync(volume ?? image.NewVolume());
    }

    private static async Task<string> FlagsAsync(RunningContainer container)
    {
        using var sdk = container.CreateClient("api/v1/", "X-Environment-Key", ImportedEnvironment.ClientKey);
        return await sdk.GetStringAsync("flags/", Cancel);
    }

    private static async Task<List<string>> FeatureNamesAsync(RunningContainer container, string apiKey, int project)
    {
        using var admin = container.CreateClient("api/admin/", "Authorization", $"Api-Key {apiKey}");
        var page = JsonNode.Parse(await admin.GetStringAsync($"projects/{project}/features?pageSize=500", Cancel))!;
        return page["items"]!.AsArray().Select(f => f!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal).ToList();
    }

    private void Check(string line)
    {
        output.WriteLine(line);
        image.Report.Add($"ok: {line}");
    }
}
