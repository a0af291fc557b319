using Bunit;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Tests.Flags;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.UsageLimits;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.UsageLimits;

public sealed class OrganisationUsageSettingsPageTests : DashboardComponentTest
{
    [Fact]
    public async Task AnOwnerSetsTheAllowanceAndBillingDayAndAddsAnOrganisationWebhookWhoseSecretIsShownOnce()
    {
        var seeded = await Core.SeedProjectAsync("Production");
        AddServices(Core.Access, new Core.Audit.FixedActor("tester"));
        var page = RenderInLayout<OrganisationUsageSettingsPage>(new Dictionary<string, object?> { ["OrganisationId"] = seeded.OrganisationId });

        TextInput(Host, "allowance-input").Change("1000");
        TextInput(Host, "billing-day-input").Change("29");
        Host.Find("[data-testid=allowance-save]").Click();
        // The field keeps the day within 1-28 (the service's rule, which the admin API reports by field name).
        await WaitForAllowanceAsync(seeded.OrganisationId, 1000, 28);
        TextInput(Host, "billing-day-input").Change("15");
        Host.Find("[data-testid=allowance-save]").Click();
        await WaitForAllowanceAsync(seeded.OrganisationId, 1000, 15);

        TextInput(Host, "organisation-webhook-url").Change("http://127.0.0.1:9/alerts");
        Host.Find("[data-testid=organisation-webhook-add]").Click();
        page.WaitForElement("[data-testid=organisation-webhook-new-secret]");
        Assert.Contains("http://127.0.0.1:9/alerts", Host.Find("[data-testid=organisation-webhooks]").TextContent);
        var webhook = Assert.Single(await Services.GetRequiredService<WebhookService>().ListForOrganisationAsync(seeded.OrganisationId, Token));
        Assert.Equal(webhook.Secret, Host.Find("[data-testid=organisation-webhook-new-secret]").TextContent);
    }

    [Fact]
    public async Task AnOwnerSeesSinceWhenDefaultsOnlyAreServedAndChoosesTheBehaviourAndGracePeriod()
    {
        var seeded = await Core.SeedProjectAsync("Production");
        AddServices(Core.Access, new Core.Audit.FixedActor("tester"));
        await using (var db = Core.Database.CreateDbContext())
        {
            var organisation = await db.Organisations.FindAsync([seeded.OrganisationId], Token);
            organisation!.ServingDefaultsSince = Core.Clock.GetUtcNow();
            await db.SaveChangesAsync(Token);
        }

        var page = RenderInLayout<OrganisationUsageSettingsPage>(new Dictionary<string, object?> { ["OrganisationId"] = seeded.OrganisationId });

        Assert.Contains("SDKs are served defaults only since 2026-03-01 09:00 UTC", page.WaitForElement("[data-testid=serving-defaults]").TextContent, StringComparison.Ordinal);
        TextInput(Host, "allowance-input").Change("1000");
        await Host.InvokeAsync(() => Host.FindComponents<MudBlazor.MudSelect<OverLimitBehaviour>>().Single().Instance.ValueChanged.InvokeAsync(OverLimitBehaviour.ServeDefaultsOnly));
        TextInput(Host, "over-limit-grace-days").Change("7");
        Host.Find("[data-testid=allowance-save]").Click();
        await Eventually.GetAsync(() => Services.GetRequiredService<UsageAllowanceService>().GetAsync(seeded.OrganisationId, Token),
            a => (a.OverLimitBehaviour, a.OverLimitGraceDays, a.MonthlyApiCalls) == (OverLimitBehaviour.ServeDefaultsOnly, 7, 1000L), "the behaviour over the limit to be saved");
        // Saving decides again: no call was made this period, so flags are served as configured.
        page.WaitForAssertion(() => Assert.Empty(Host.FindAll("[data-testid=serving-defaults]")));
    }

    [Fact]
    public async Task TheOrganisationWebhooksLatestDeliveriesAreListedWithTheirEvent()
    {
        var seeded = await Core.SeedProjectAsync("Production");
        AddServices(Core.Access, new Core.Audit.FixedActor("tester"));
        await Services.GetRequiredService<WebhookService>().CreateForOrganisationAsync(seeded.OrganisationId, new WebhookInput("http://127.0.0.1:9/alerts"), Token);
        await UsageAlertCheckerTests.SetAllowanceAsync(Core, seeded.OrganisationId, 100);
        Core.Clock.Advance(TimeSpan.FromSeconds(30));
        var store = UsageAlertCheckerTests.Store(Core.Database, Core.Clock);
        await UsageAlertCheckerTests.RecordCallsAsync(store, Core.Clock, seeded, 95);
        await new UsageAlertChecker(Core.Database, store, Core.Clock).CheckAsync(Token);

        var page = RenderInLayout<OrganisationUsageSettingsPage>(new Dictionary<string, object?> { ["OrganisationId"] = seeded.OrganisationId });

        var table = page.WaitForElement("[data-testid=deliveries-table]");
        Assert.Equal([WebhookEvents.UsageThresholdReached, WebhookEvents.UsageThresholdReached], table.QuerySelectorAll("[data-testid=delivery-event]").Select(e => e.TextContent.Trim()));
        Assert.Contains("http://127.0.0.1:9/alerts", table.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMemberSeesTheAllowanceReadOnly()
    {
        var seeded = await Core.SeedProjectAsync("Production");
        await UsageAlertCheckerTests.SetAllowanceAsync(Core, seeded.OrganisationId, 2500, billingDay: 7);
        var member = await Access.MembersServiceTests.AddPersonAsync(Core, "member@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var actor = new SubjectActor(member);
        AddServices(CoreServices.AccessFor(Core.Database, actor), actor);

        var page = RenderInLayout<OrganisationUsageSettingsPage>(new Dictionary<string, object?> { ["OrganisationId"] = seeded.OrganisationId });

        var readOnly = page.WaitForElement("[data-testid=allowance-readonly]");
        Assert.Contains("2,500 API calls per period, billing day 7", readOnly.TextContent.Replace("\n", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(Host.FindAll("[data-testid=allowance-save]"));
        Assert.Empty(Host.FindAll("[data-testid=organisation-webhook-add]"));
    }

    private void AddServices(AccessControl access, Core.Audit.IActorAccessor actor)
    {
        Services.AddSingleton(UsageAlertCheckerTests.Allowances(Core.Database, actor, access, Core.Clock));
        Services.AddSingleton(new OrganisationService(Core.Database, actor, access, Core.Clock));
        Services.AddSingleton(new WebhookService(Core.Database, actor, access, Core.Clock, Options.Create(new WebhookOptions { AllowPrivateAddresses = true })));
        Services.AddSingleton(access);
    }

    private async Task WaitForAllowanceAsync(int organisationId, long calls, int day) =>
        await Eventually.GetAsync(() => Services.GetRequiredService<UsageAllowanceService>().GetAsync(organisationId, Token), a => a.MonthlyApiCalls == calls && a.BillingDay == day, "the allowance to be saved");
}
