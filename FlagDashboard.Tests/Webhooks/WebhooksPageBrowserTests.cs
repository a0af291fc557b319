using System.Net;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.E2E;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Playwright;

namespace FlagDashboard.Tests.Webhooks;

/// <summary>The webhooks page in Chromium against the running app: added on the page, a change sent, the delivery shown.</summary>
[Collection(AdminApiCollection.Name)]
[Trait(AppProcess.TraitName, AppProcess.TraitValue)]
public sealed class WebhooksPageBrowserTests(AdminApiFixture fixture) : IAsyncLifetime
{
    private IPlaywright _playwright = null!;
    private IBrowser _chromium = null!;

    public async ValueTask InitializeAsync() => (_playwright, _chromium) = await Browser.LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        await _chromium.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task AWebhookAddedOnThePageReceivesAChangeAndItsDeliveryIsShown()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var client = fixture.Client();
        var project = await fixture.NewProjectAsync(client);
        await client.SendOkAsync(HttpMethod.Post, $"api/admin/projects/{project.ProjectId}/features", new { name = "page_flag" }, HttpStatusCode.Created);
        var page = await _chromium.NewPageAsync();
        page.SetDefaultTimeout((float)Eventually.Deadline.TotalMilliseconds);
        var login = new LoginPage(page, fixture.App.BaseAddress);
        await login.OpenAsync();
        await login.SignInAsync(AdminApiFixture.AdminEmail, AdminApiFixture.AdminPassword);
        await page.WaitForURLAsync(url => !url.Contains("/account/login", StringComparison.Ordinal));

        await page.GotoAsync(new Uri(fixture.App.BaseAddress, $"environments/{project.EnvironmentId}/webhooks").ToString());
        await new DashboardShell(page).WaitForInteractiveAsync();
        await Interactive.RetryAsync(async () =>
        {
            // MudTextField puts the test id on the input itself.
            await page.Locator("input[data-testid=new-webhook-url], [data-testid=new-webhook-url] input").First.FillAsync(receiver.Url.ToString());
            await page.GetByTestId("create-webhook").ClickAsync();
            await Assertions.Expect(page.GetByTestId("webhook-url")).ToHaveTextAsync(receiver.Url.ToString(), new() { Timeout = 2000 });
        }, attempts: 3);
        await Assertions.Expect(page.GetByTestId("webhook-secret")).ToBeVisibleAsync();

        var state = (await client.GetOkAsync($"api/admin/environments/{project.EnvironmentId}/feature-states"))["items"]![0]!;
        await client.SendOkAsync(HttpMethod.Put, $"api/admin/feature-states/{state.Int("id")}", new { enabled = true, value = "on", version = state.Int("version") });
        await receiver.WaitForAsync(1);

        await Eventually.TrueAsync(async () =>
        {
            await page.GetByTestId("refresh-webhooks").ClickAsync();
            return (await page.GetByTestId("delivery-status").AllTextContentsAsync()).Any(status => status.Trim() == "Delivered");
        }, "the page to show the delivery as delivered");
        await Browser.SaveScreenshotAsync(page, "webhooks");
    }
}
