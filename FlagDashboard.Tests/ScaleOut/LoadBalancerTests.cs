using System.Net;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.E2E;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>The README's scale-out example as shipped: deploy/nginx.conf in front of two instances on one PostgreSQL database.</summary>
public sealed class LoadBalancerTests
{
    private const string Email = "admin@example.com";
    private const string Password = "correct-horse-battery";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThroughTheShippedProxyConfigurationTheDashboardWorksAndSdksSeeItsChanges()
    {
        await using var cluster = await ScaleOutCluster.CreateAsync();
        Assert.Equal(0, (await cluster.RunVerbAsync("create-admin", "--email", Email, "--password", Password)).ExitCode);
        Assert.Equal(0, (await cluster.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath)).ExitCode);
        var (a, b) = (await cluster.StartInstanceAsync(), await cluster.StartInstanceAsync());
        await using var proxy = await LoadBalancer.StartAsync(a.BaseAddress, b.BaseAddress);
        using var sdk = new HttpClient { BaseAddress = new Uri(proxy.BaseAddress, "api/v1/") };
        sdk.DefaultRequestHeaders.Add("X-Environment-Key", ImportedEnvironment.ClientKey);

        var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => sdk.GetAsync("flags/", Cancel)));
        Assert.All(answers, answer => Assert.Equal(HttpStatusCode.OK, answer.StatusCode));

        // The dashboard's circuit is a WebSocket through the proxy: signed in, the page becomes interactive and a switch works.
        var (playwright, chromium) = await Browser.LaunchAsync();
        await using var _ = chromium;
        using var __ = playwright;
        var page = await chromium.NewPageAsync();
        var login = new LoginPage(page, proxy.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(Email, Password);
        await page.GotoAsync(new Uri(proxy.BaseAddress, "features").ToString());
        await new DashboardShell(page).WaitForInteractiveAsync();
        var toggle = page.GetByRole(AriaRole.Switch, new() { Name = "Enable welcome_banner" });
        var wasOn = await toggle.IsCheckedAsync();
        await toggle.ClickAsync();
        if (wasOn)
        {
            await Assertions.Expect(toggle).Not.ToBeCheckedAsync();
        }
        else
        {
            await Assertions.Expect(toggle).ToBeCheckedAsync();
        }

        await Eventually.TrueAsync(async () => await EnabledAsync(sdk, "welcome_banner") != wasOn, "SDK calls through the proxy to see the switch");

        Assert.DoesNotContain("[error]", proxy.ErrorLog, StringComparison.Ordinal);
    }

    private static async Task<bool> EnabledAsync(HttpClient sdk, string feature)
    {
        // The sample project hides disabled flags from SDKs: a missing flag is a disabled one.
        var flags = JsonNode.Parse(await sdk.GetStringAsync("flags/", Cancel))!.AsArray();
        return flags.SingleOrDefault(f => f!["feature"]!["name"]!.GetValue<string>() == feature)?["enabled"]!.GetValue<bool>() ?? false;
    }
}
