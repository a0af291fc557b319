using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Core.Usage;
using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage;

/// <summary>SDK traffic into a running app, and the counts read back through <c>/api/usage</c>.</summary>
[Trait(AppProcess.TraitName, AppProcess.TraitValue)]
public sealed class UsageEndToEndTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AFreshAppRecordsSdkTrafficExactlyIntoTheEmbeddedStore()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string> { ["Usage__FlushInterval"] = "00:00:01" });
        var (apiKey, environmentId) = await UsageApp.SeedAsync(app);
        using var sdk = UsageApp.SdkClient(app);

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await sdk.GetAsync("flags/", Cancel)).StatusCode);
        }

        for (var i = 0; i < 3; i++)
        {
            var identity = await sdk.PostAsync("identities/", new StringContent($$"""{"identifier": "usage-{{i}}"}""", Encoding.UTF8, "application/json"), Cancel);
            Assert.Equal(HttpStatusCode.OK, identity.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Forbidden, (await sdk.GetAsync("environment-document/", Cancel)).StatusCode);
        var analytics = await sdk.PostAsync("analytics/flags/", new StringContent("""{"welcome_banner": 7, "max_items": 2, "no_such_flag": 50}""", Encoding.UTF8, "application/json"), Cancel);
        Assert.Equal(HttpStatusCode.OK, analytics.StatusCode);

        using var admin = UsageApp.AdminClient(app, apiKey);
        var byResource = await Eventually.GetAsync(
            async () => JsonNode.Parse(await admin.GetStringAsync($"api/usage/series?metric=api_calls&scope=environment&id={environmentId}&group=resource", Cancel))!,
            series => series["total"]?.GetValue<long>() == 11, "the flusher to store the 11 calls");

        var byStatus = JsonNode.Parse(await admin.GetStringAsync($"api/usage/series?scope=environment&id={environmentId}&group=status&window=1m&from={Iso(-60)}&to={Iso(1)}", Cancel))!;
        var flags = JsonNode.Parse(await admin.GetStringAsync($"api/usage/flags?environment={environmentId}", Cancel))!.AsArray();
        var byClientKey = JsonNode.Parse(await admin.GetStringAsync($"api/usage/flags?environment={SampleDocuments.DevelopmentKey}", Cancel))!.AsArray();
        var csv = await admin.GetStringAsync($"api/usage/series?scope=environment&id={environmentId}&group=resource&window=1h&format=csv", Cancel);

        // The seeding read the environment document once with the server-side key: that call counts too.
        Assert.Equal(11, byResource!["total"]!.GetValue<long>());
        // The last 24 hours: 3-minute steps of the 1-minute window (480 points, one more when now is inside a step).
        Assert.Equal(("1m", "3m"), (byResource["window"]!.GetValue<string>(), byResource["step"]!.GetValue<string>()));
        Assert.InRange(byResource["series"]![0]!["points"]!.AsArray().Count, 480, 481);
        Assert.Equal(new Dictionary<string, long> { ["flags"] = 5, ["identities"] = 3, ["environment_document"] = 2, ["analytics"] = 1 }, Totals(byResource));
        Assert.Equal("1m", byStatus["window"]!.GetValue<string>());
        Assert.Equal(61, byStatus["series"]![0]!["points"]!.AsArray().Count);
        Assert.Equal(new Dictionary<string, long> { ["2xx"] = 10, ["4xx"] = 1 }, Totals(byStatus));
        Assert.Equal(("welcome_banner", 7L), (flags[0]!["name"]!.GetValue<string>(), flags[0]!["count"]!.GetValue<long>()));
        Assert.Equal(("max_items", 2L), (flags[1]!["name"]!.GetValue<string>(), flags[1]!["count"]!.GetValue<long>()));
        Assert.Equal(9, flags.Count);
        Assert.True(JsonNode.DeepEquals(flags, byClientKey));
        Assert.All(flags.Skip(2), f => Assert.Equal(0, f!["count"]!.GetValue<long>()));
        Assert.StartsWith("time,key,count\n", csv);
        Assert.Contains(",flags,5\n", csv);

        // The reported evaluations are the features' last evaluations; flags made just now are never stale.
        var projectId = JsonNode.Parse(await admin.GetStringAsync($"api/admin/environments/{environmentId}", Cancel))!["projectId"]!.GetValue<int>();
        var lastEvaluated = JsonNode.Parse(await admin.GetStringAsync($"api/usage/stale-flags?project={projectId}", Cancel))!.AsArray();
        Assert.Contains(lastEvaluated, f => f!["name"]!.GetValue<string>() == "welcome_banner" && f["lastEvaluated"] is not null && !f["isStale"]!.GetValue<bool>());
        Assert.Empty(JsonNode.Parse(await admin.GetStringAsync($"api/usage/stale-flags?project={projectId}&stale=true", Cancel))!.AsArray());

        // The organisation's period: its only environment's calls, split by project and environment, the same in the trend and as CSV.
        var organisation = JsonNode.Parse(await admin.GetStringAsync("api/usage/organisation", Cancel))!;
        Assert.Equal(11, organisation["apiCalls"]!.GetValue<long>());
        Assert.Equal([11L], organisation["projects"]!.AsArray().Select(p => p!["apiCalls"]!.GetValue<long>()));
        Assert.Equal([(environmentId, 11L)], organisation["environments"]!.AsArray().Select(e => (e!["environmentId"]!.GetValue<int>(), e["apiCalls"]!.GetValue<long>())));
        Assert.Equal(12, organisation["trend"]!.AsArray().Count);
        Assert.Equal(11, organisation["trend"]![11]!["apiCalls"]!.GetValue<long>());
        Assert.Equal(("welcome_banner", 7L), (organisation["topFlags"]![0]!["name"]!.GetValue<string>(), organisation["topFlags"]![0]!["evaluations"]!.GetValue<long>()));
        var organisationCsv = await admin.GetStringAsync("api/usage/organisation?format=csv", Cancel);
        Assert.StartsWith("section,id,name,from,to,count\n", organisationCsv);
        Assert.Contains($"project,{projectId},", organisationCsv);

        foreach (var (path, parameter) in new[] { ("api/usage/stale-flags", "project"), ($"api/usage/stale-flags?project={projectId}&threshold_days=0", "threshold_days"), ("api/usage/organisation?at=soon", "at"), ("api/usage/organisation?at=2999-01-01", "at") })
        {
            var refused = await admin.GetAsync(path, Cancel);
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.NotNull(JsonNode.Parse(await refused.Content.ReadAsStringAsync(Cancel))!["errors"]![parameter]);
        }
    }

    [Fact]
    public async Task CountsTakenJustBeforeAStopAreFlushedAndThereAfterTheNextStart()
    {
        string dataDirectory;
        string apiKey;
        int environmentId;
        await using (var first = await AppProcess.StartAsync(new Dictionary<string, string> { ["Usage__FlushInterval"] = "01:00:00" }))
        {
            (apiKey, environmentId) = await UsageApp.SeedAsync(first);
            using var sdk = UsageApp.SdkClient(first);
            for (var i = 0; i < 4; i++)
            {
                await sdk.GetAsync("flags/", Cancel);
            }

            dataDirectory = first.DataDirectory;
            Assert.Equal(0, await first.StopGracefullyAsync(TimeSpan.FromSeconds(10)));
        }

        await using var second = await AppProcess.StartAsync(dataDirectory: dataDirectory);
        using var admin = UsageApp.AdminClient(second, apiKey);
        var series = JsonNode.Parse(await admin.GetStringAsync($"api/usage/series?scope=environment&id={environmentId}&group=resource", Cancel))!;

        Assert.Equal(new Dictionary<string, long> { ["flags"] = 4, ["environment_document"] = 1 }, Totals(series));
    }

    private static Dictionary<string, long> Totals(JsonNode series) =>
        series["series"]!.AsArray().ToDictionary(
            line => line!["key"]!.GetValue<string>(),
            line => line!["points"]!.AsArray().Sum(point => point![1]!.GetValue<long>()));

    // Whole minutes, so the range holds exactly the windows the test counts.
    private static string Iso(int minutesFromNow) =>
        Uri.EscapeDataString(UsageWindow.OneMinute.Floor(DateTimeOffset.UtcNow).AddMinutes(minutesFromNow).ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture));
}
