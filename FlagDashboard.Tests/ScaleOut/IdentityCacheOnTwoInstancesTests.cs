using System.Net.Http.Json;
using System.Text.Json;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>
/// Each instance keeps returning identities in memory; a change made anywhere else reaches its answers: a trait
/// set through the other instance's SDK API, a trait set from the dashboard's service, an identity override.
/// </summary>
public sealed class IdentityCacheOnTwoInstancesTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnIdentityHeldByOneInstanceFollowsChangesMadeThroughTheOtherAndTheDashboard()
    {
        await using var cluster = await ScaleOutCluster.CreateAsync();
        var (a, b) = (await cluster.StartInstanceAsync(), await cluster.StartInstanceAsync());
        var imported = await cluster.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath);
        Assert.True(imported.ExitCode == 0, imported.Error);
        using var sdkA = SdkClient(a);
        using var sdkB = SdkClient(b);

        var created = await sdkA.PostAsJsonAsync("identities/", new { identifier = "cached-user", traits = new[] { new { trait_key = "plan", trait_value = "free" } } }, Cancel);
        created.EnsureSuccessStatusCode();
        // Read twice on B: the second answer comes from its memory.
        Assert.Equal("free", await PlanAsync(sdkB));
        Assert.Equal("free", await PlanAsync(sdkB));

        var set = await sdkA.PostAsJsonAsync("traits/", new { identity = new { identifier = "cached-user" }, trait_key = "plan", trait_value = "pro" }, Cancel);
        set.EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => await PlanAsync(sdkB) == "pro", "instance B to answer the trait set through instance A");

        await using var db = cluster.Database.CreateDbContext();
        var identity = await db.Identities.AsNoTracking().SingleAsync(i => i.Identifier == "cached-user", Cancel);
        var identities = new IdentityService(cluster.Database, new FixedActor("scale-out test"), CoreServices.OperatorAccess(cluster.Database), TimeProvider.System);
        await identities.SetTraitAsync(identity.Id, "plan", FlagValue.FromString("enterprise"), Cancel);
        await Eventually.TrueAsync(async () => await PlanAsync(sdkB) == "enterprise", "instance B to answer the trait set from the dashboard");

        var feature = await db.Features.AsNoTracking().SingleAsync(f => f.Name == "welcome_banner", Cancel);
        await identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.FromString("just for you"), Cancel);
        await Eventually.TrueAsync(async () => (await sdkB.GetStringAsync("identities/?identifier=cached-user", Cancel)).Contains("\"just for you\"", StringComparison.Ordinal),
            "instance B to answer the identity override");
    }

    private static async Task<string?> PlanAsync(HttpClient sdk)
    {
        using var answer = JsonDocument.Parse(await sdk.GetStringAsync("identities/?identifier=cached-user", Cancel));
        return answer.RootElement.GetProperty("traits").EnumerateArray()
            .Where(t => t.GetProperty("trait_key").GetString() == "plan")
            .Select(t => t.GetProperty("trait_value").GetString())
            .SingleOrDefault();
    }

    private static HttpClient SdkClient(AppProcess instance)
    {
        var client = instance.CreateClient();
        client.BaseAddress = new Uri(instance.BaseAddress, "api/v1/");
        client.DefaultRequestHeaders.Add("X-Environment-Key", ImportedEnvironment.ClientKey);
        return client;
    }
}
