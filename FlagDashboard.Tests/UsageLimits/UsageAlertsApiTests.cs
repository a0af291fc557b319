using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.Tests.Webhooks;

namespace FlagDashboard.Tests.UsageLimits;

[Collection(AdminApiCollection.Name)]
public sealed class UsageAlertsApiTests(AdminApiFixture fixture)
{
    [Fact]
    public async Task SdkCallsPastEachThresholdOfTheAllowanceSendOneSignedEventEach()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var owner = fixture.Client(await fixture.NewOrganisationKeyAsync($"Alerts {Guid.NewGuid():N}"));
        var project = await fixture.NewProjectAsync(owner);
        var organisation = await owner.GetOkAsync("api/admin/organisation");
        var allowance = await owner.GetOkAsync("api/admin/organisation/usage-allowance");
        Assert.Null(allowance["monthlyApiCallAllowance"]);
        Assert.Equal(1, allowance.Int("billingDay"));
        await owner.AssertProblemAsync(HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 1000, billingDay = 29, version = allowance.Int("version") }, HttpStatusCode.BadRequest, "billingDay");
        await owner.AssertProblemAsync(HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 0, billingDay = 1, version = allowance.Int("version") }, HttpStatusCode.BadRequest, "monthlyApiCallAllowance");
        var set = await owner.SendOkAsync(HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 1000, billingDay = 1, version = allowance.Int("version") });
        Assert.Equal(1000, set["monthlyApiCallAllowance"]!.GetValue<long>());
        var webhook = await owner.SendOkAsync(HttpMethod.Post, "api/admin/organisation/webhooks", new { url = receiver.Url.ToString(), secret = "alert-secret" }, HttpStatusCode.Created);
        Assert.Equal(organisation.Int("id"), webhook.Int("organisationId"));
        Assert.Null(webhook["environmentId"]);
        Assert.Single((await owner.GetOkAsync("api/admin/organisation/webhooks")).AsArray());

        using var sdk = fixture.App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", project.ClientKey);
        await CallAsync(sdk, 760);

        var first = await receiver.WaitForAsync(1);
        var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("alert-secret"), first[0].RawBody));
        Assert.Equal(expected, first[0].Signature);
        var payload = JsonNode.Parse(first[0].Body)!;
        Assert.Equal("USAGE_THRESHOLD_REACHED", payload.Str("event_type"));
        var data = payload["data"]!;
        Assert.Equal(organisation.Int("id"), data.Int("organisation_id"));
        Assert.Equal(75, data.Int("threshold"));
        Assert.Equal(760, data["total"]!.GetValue<long>());
        Assert.Equal(1000, data["allowance"]!.GetValue<long>());
        Assert.False(string.IsNullOrEmpty(data.Str("period_start")));
        Assert.False(string.IsNullOrEmpty(data.Str("period_end")));

        await CallAsync(sdk, 800);

        var all = await receiver.WaitForAsync(4);
        var thresholds = all.Select(r => JsonNode.Parse(r.Body)!["data"]!.Int("threshold")).Order().ToArray();
        Assert.Equal([75, 90, 100, 120], thresholds);
        Assert.All(all, r => Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes("alert-secret"), r.RawBody)), r.Signature));
        var audit = await owner.GetOkAsync("api/admin/audit?entityType=UsageAlert");
        Assert.Equal(4, audit["items"]!.AsArray().Count(e => e!.Str("entityType") == "UsageAlert"));
    }

    [Fact]
    public async Task PastTheGracePeriodOverTheAllowanceSdksGetEachFeaturesDefaultUntilTheAllowanceIsRaised()
    {
        using var owner = fixture.Client(await fixture.NewOrganisationKeyAsync($"Over limit {Guid.NewGuid():N}"));
        var project = await fixture.NewProjectAsync(owner);
        await owner.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "checkout", defaultEnabled = false, initialValue = "classic" }, HttpStatusCode.Created);
        var state = (await owner.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;
        await owner.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "new", version = state.Int("version") });
        var allowance = await owner.GetOkAsync("api/admin/organisation/usage-allowance");
        Assert.Equal(("KeepServing", 3), (allowance.Str("overLimitBehaviour"), allowance.Int("overLimitGraceDays")));
        await owner.AssertProblemAsync(HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 20, billingDay = 1, overLimitGraceDays = 91, version = allowance.Int("version") }, HttpStatusCode.BadRequest, "overLimitGraceDays");
        var set = await owner.SendOkAsync(HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 20, billingDay = 1, overLimitBehaviour = "ServeDefaultsOnly", overLimitGraceDays = 0, version = allowance.Int("version") });
        Assert.Equal(("ServeDefaultsOnly", 0), (set.Str("overLimitBehaviour"), set.Int("overLimitGraceDays")));
        using var sdk = fixture.App.CreateClient();
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", project.ClientKey);
        Assert.Equal((true, "new"), await CheckoutAsync(sdk, "api/v1/flags/"));
        Assert.Equal((true, "new"), await CheckoutAsync(sdk, "api/v1/identities/?identifier=ana"));

        await CallAsync(sdk, 25);

        await Eventually.GetAsync(() => CheckoutAsync(sdk, "api/v1/flags/"), flag => flag == (false, "classic"), "the flags to be the features' defaults");
        Assert.Equal((false, "classic"), await CheckoutAsync(sdk, "api/v1/identities/?identifier=ana"));
        var restricted = await owner.GetOkAsync("api/admin/organisation/usage-allowance");
        Assert.NotNull(restricted["servingDefaultsSince"]);

        var raised = await owner.SendOkAsync(HttpMethod.Put, "api/admin/organisation/usage-allowance", new { monthlyApiCallAllowance = 1_000_000, billingDay = 1, version = restricted.Int("version") });

        Assert.Null(raised["servingDefaultsSince"]);
        Assert.Equal("ServeDefaultsOnly", raised.Str("overLimitBehaviour"));
        await Eventually.GetAsync(() => CheckoutAsync(sdk, "api/v1/flags/"), flag => flag == (true, "new"), "the flags to be served as configured again");
        Assert.Equal((true, "new"), await CheckoutAsync(sdk, "api/v1/identities/?identifier=ana"));
    }

    /// <summary>The one flag's enabled and value, from the flags list or an identity's answer.</summary>
    private static async Task<(bool Enabled, string Value)> CheckoutAsync(HttpClient sdk, string path)
    {
        using var response = await sdk.GetAsync(path, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var flag = Assert.Single((body is JsonArray list ? list : body["flags"]!.AsArray()))!;
        return (flag["enabled"]!.GetValue<bool>(), flag["feature_state_value"]!.GetValue<string>());
    }

    private static async Task CallAsync(HttpClient sdk, int calls)
    {
        var next = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= calls)
            {
                using var response = await sdk.GetAsync("api/v1/flags/", TestContext.Current.CancellationToken);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        }));
    }
}
