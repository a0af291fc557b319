using Bunit;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Webhooks;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace FlagDashboard.Tests.Webhooks;

public sealed class WebhooksPageTests : BunitContext, IAsyncLifetime
{
    private CoreServices _core = null!;
    private WebhookService _webhooks = null!;
    private int _environmentId;

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.CreateAsync("alice");
        _environmentId = (await _core.SeedProjectAsync("Production")).EnvironmentIds[0];
        _webhooks = new WebhookService(_core.Database, new FixedActor("alice"), CoreServices.OperatorAccess(_core.Database), _core.Clock, Options.Create(new WebhookOptions()));
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_core.Environments);
        Services.AddSingleton(_webhooks);
        Services.AddSingleton(_core.Access);
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task AWebhookAddedOnThePageIsListedWithItsSecretShownOnce()
    {
        var page = Render<WebhooksPage>(p => p.Add(c => c.EnvironmentId, _environmentId));
        page.WaitForElement("[data-testid=no-deliveries]");

        Input(page, "new-webhook-url").Change("https://hooks.example.com/flags");
        await page.Find("[data-testid=create-webhook]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Equal("https://hooks.example.com/flags", page.Find("[data-testid=webhook-url]").TextContent.Trim()));
        var stored = Assert.Single(await _webhooks.ListAsync(_environmentId, Token));
        Assert.Contains(stored.Secret, page.Find("[data-testid=webhook-secret]").TextContent);
    }

    [Fact]
    public async Task APrivateUrlIsRefusedWithTheReasonUnderTheField()
    {
        var page = Render<WebhooksPage>(p => p.Add(c => c.EnvironmentId, _environmentId));
        page.WaitForElement("[data-testid=no-deliveries]");

        Input(page, "new-webhook-url").Change("http://127.0.0.1:8080/hook");
        await page.Find("[data-testid=create-webhook]").ClickAsync(new());

        page.WaitForAssertion(() => Assert.Contains("private or loopback", page.Markup));
        Assert.Empty(await _webhooks.ListAsync(_environmentId, Token));
    }

    [Fact]
    public async Task TheLastDeliveriesAreShownWithTheirStatus()
    {
        var webhook = await _webhooks.CreateAsync(_environmentId, new WebhookInput("https://hooks.example.com/flags"), Token);
        await using (var db = _core.NewContext())
        {
            db.WebhookDeliveries.Add(new WebhookDelivery { WebhookId = webhook.Id, EventType = WebhookEvents.FlagUpdated, Payload = "{}", CreatedAt = _core.Clock.GetUtcNow(), NextAttemptAt = _core.Clock.GetUtcNow(), Status = WebhookDeliveryStatus.Failed, Attempts = 8, LastError = "Connection refused." });
            db.WebhookDeliveries.Add(new WebhookDelivery { WebhookId = webhook.Id, EventType = WebhookEvents.FlagDeleted, Payload = "{}", CreatedAt = _core.Clock.GetUtcNow(), NextAttemptAt = _core.Clock.GetUtcNow(), Status = WebhookDeliveryStatus.Delivered, Attempts = 1, LastStatusCode = 200 });
            await db.SaveChangesAsync(Token);
        }

        var page = Render<WebhooksPage>(p => p.Add(c => c.EnvironmentId, _environmentId));

        page.WaitForAssertion(() => Assert.Equal(["Delivered", "Failed"], page.FindAll("[data-testid=delivery-status]").Select(s => s.TextContent.Trim()).ToArray()));
        Assert.Contains("Connection refused.", page.Find("[data-testid=deliveries-table]").TextContent);
        Assert.Contains("HTTP 200", page.Find("[data-testid=deliveries-table]").TextContent);
    }

    [Fact]
    public void AnEnvironmentThatIsGoneSaysSo()
    {
        var page = Render<WebhooksPage>(p => p.Add(c => c.EnvironmentId, 987654));

        page.WaitForAssertion(() => Assert.Contains("No such environment", page.Markup));
    }

    private static AngleSharp.Dom.IElement Input(IRenderedComponent<WebhooksPage> page, string testId)
    {
        // The form appears once the page knows the person may manage webhooks, which may be after the list.
        var element = page.WaitForElement($"[data-testid={testId}]");
        return element.TagName == "INPUT" ? element : element.QuerySelector("input")!;
    }
}
