using System.Text.Json.Nodes;
using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.UsageLimits;

public sealed class UsageAlertCheckerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachThresholdIsRecordedOncePerPeriodWithAnAuditEntryAndAnEventForTheOrganisationsWebhooksOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environmentId = seeded.EnvironmentIds[0];
        var webhooks = Webhooks(core.Database, core.Clock);
        var organisationHook = await webhooks.CreateForOrganisationAsync(seeded.OrganisationId, new WebhookInput("http://127.0.0.1:9/alerts", Secret: "alert-secret"), Token);
        var environmentHook = await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:9/flags"), Token);
        await SetAllowanceAsync(core, seeded.OrganisationId, 1000);
        core.Clock.Advance(TimeSpan.FromSeconds(30));
        var store = Store(core.Database, core.Clock);
        var checker = new UsageAlertChecker(core.Database, store, core.Clock);

        await RecordCallsAsync(store, core.Clock, seeded, 760);
        var first = await checker.CheckAsync(Token);
        var again = await checker.CheckAsync(Token);

        var reached = Assert.Single(first);
        Assert.Equal((75, 760L, 1000L), (reached.Threshold, reached.Total, reached.Allowance));
        Assert.Empty(again);
        var delivery = Assert.Single(await DeliveriesAsync(core.Database));
        Assert.Equal(organisationHook.Id, delivery.WebhookId);
        Assert.Equal(WebhookEvents.UsageThresholdReached, delivery.EventType);
        var data = JsonNode.Parse(delivery.Payload)!["data"]!;
        Assert.Equal(seeded.OrganisationId, data["organisation_id"]!.GetValue<int>());
        Assert.Equal(75, data["threshold"]!.GetValue<int>());
        Assert.Equal(760, data["total"]!.GetValue<long>());
        Assert.Equal(1000, data["allowance"]!.GetValue<long>());
        Assert.StartsWith("2026-03-01T00:00:00", data["period_start"]!.GetValue<string>());
        Assert.StartsWith("2026-04-01T00:00:00", data["period_end"]!.GetValue<string>());

        await RecordCallsAsync(store, core.Clock, seeded, 800);
        var later = await checker.CheckAsync(Token);
        var afterRestart = await new UsageAlertChecker(core.Database, Store(core.Database, core.Clock), core.Clock).CheckAsync(Token);

        Assert.Equal([90, 100, 120], later.Select(r => r.Threshold));
        Assert.All(later, r => Assert.Equal(1560, r.Total));
        Assert.Empty(afterRestart);
        var deliveries = await DeliveriesAsync(core.Database);
        Assert.Equal(4, deliveries.Count);
        Assert.All(deliveries, d => Assert.Equal(organisationHook.Id, d.WebhookId));
        Assert.DoesNotContain(deliveries, d => d.WebhookId == environmentHook.Id);
        var audit = (await core.AuditEntriesAsync()).Where(e => e.EntityType == "UsageAlert").ToList();
        Assert.Equal(4, audit.Count);
        Assert.All(audit, e => Assert.Equal((UsageAlertChecker.Actor, seeded.OrganisationId), (e.Actor, e.OrganisationId!.Value)));
    }

    [Fact]
    public async Task ANewPeriodStartsFromTheBillingDayAndAnOrganisationWithoutAllowanceGetsNoAlert()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var other = await core.SeedProjectAsync("Production");
        await SetAllowanceAsync(core, seeded.OrganisationId, 100, billingDay: 15);
        var store = Store(core.Database, core.Clock);
        var checker = new UsageAlertChecker(core.Database, store, core.Clock);
        core.Clock.Advance(TimeSpan.FromSeconds(30));

        await RecordCallsAsync(store, core.Clock, seeded, 80);
        await RecordCallsAsync(store, core.Clock, other, 5000);
        var february = await checker.CheckAsync(Token);
        core.Clock.Advance(TimeSpan.FromDays(14));
        var marchBeforeCalls = await checker.CheckAsync(Token);
        await RecordCallsAsync(store, core.Clock, seeded, 76);
        var march = await checker.CheckAsync(Token);

        Assert.Equal(new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero), Assert.Single(february).Period.From);
        Assert.Empty(marchBeforeCalls);
        var reached = Assert.Single(march);
        Assert.Equal((75, 76L), (reached.Threshold, reached.Total));
        Assert.Equal(new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero), reached.Period.From);
    }

    [Fact]
    public async Task TheAllowanceIsValidatedNamingTheFieldAndOnlyOwnersMayChangeIt()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var allowances = Allowances(core.Database, new FixedActor("tester"), core.Access, core.Clock);
        var version = (await allowances.GetAsync(seeded.OrganisationId, Token)).Version;

        var day = await Assert.ThrowsAsync<ValidationException>(() => allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(1000, 29), version, Token));
        var calls = await Assert.ThrowsAsync<ValidationException>(() => allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(-5, 1), version, Token));
        var set = await allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(5000, 28), version, Token);
        var none = await allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(null, 28), set.Version, Token);

        Assert.Contains("billingDay", day.Errors.Keys);
        Assert.Contains("monthlyApiCallAllowance", calls.Errors.Keys);
        Assert.Equal((5000L, 28), (set.MonthlyApiCalls!.Value, set.BillingDay));
        Assert.Null(none.MonthlyApiCalls);
        var audited = (await core.AuditEntriesAsync()).Last(e => e.EntityType == "Organisation");
        Assert.Contains("\"monthlyApiCallAllowance\":5000", audited.Before);
        var member = await Access.MembersServiceTests.AddPersonAsync(core, "member@example.com", seeded.OrganisationId, Core.Access.OrganisationRole.Member);
        var asMember = Allowances(core.Database, new SubjectActor(member), CoreServices.AccessFor(core.Database, new SubjectActor(member)), core.Clock);
        Assert.Equal(28, (await asMember.GetAsync(seeded.OrganisationId, Token)).BillingDay);
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(10, 1), none.Version, Token));
    }

    /// <summary>Two instances checking at the same moment, again and again, on PostgreSQL: each threshold is recorded and sent once, and serving defaults only begins once.</summary>
    [Fact]
    public async Task TwoInstancesCheckingAtOnceOnPostgreSqlRecordEachThresholdOnce()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Postgres);
        var clock = new ManualClock();
        var operatorAccess = CoreServices.OperatorAccess(database);
        var actor = new FixedActor("tester");
        var organisation = await new OrganisationService(database, actor, operatorAccess, clock).CreateAsync("Initech", Token);
        var project = await new Core.Projects.ProjectService(database, actor, operatorAccess, clock).CreateAsync(organisation.Id, "Shop", Token);
        var environment = await new Core.Environments.EnvironmentService(database, actor, operatorAccess, clock).CreateAsync(project.Id, "Production", Token);
        await Webhooks(database, clock).CreateForOrganisationAsync(organisation.Id, new WebhookInput("http://127.0.0.1:9/alerts"), Token);
        var allowances = Allowances(database, actor, operatorAccess, clock);
        await allowances.SetAsync(organisation.Id, new UsageAllowanceInput(1000, 1, OverLimitBehaviour.ServeDefaultsOnly, 0), (await allowances.GetAsync(organisation.Id, Token)).Version, Token);
        clock.Advance(TimeSpan.FromSeconds(30));
        var seeded = new SeededProject(organisation.Id, project.Id, [environment.Id]);
        var one = new UsageAlertChecker(database, Store(database, clock), clock);
        var two = new UsageAlertChecker(database, Store(database, clock), clock);

        var won = new List<ReachedThreshold>();
        foreach (var calls in new[] { 760, 800, 10 })
        {
            await RecordCallsAsync(Store(database, clock), clock, seeded, calls);
            for (var round = 0; round < 3; round++)
            {
                var results = await Task.WhenAll(Task.Run(() => one.CheckAsync(Token)), Task.Run(() => two.CheckAsync(Token)));
                won.AddRange(results.SelectMany(r => r));
            }
        }

        var stampBefore = (await EnvironmentStampAsync(database, environment.Id));
        clock.Advance(TimeSpan.FromSeconds(1));
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(Task.Run(() => one.CheckAsync(Token)), Task.Run(() => two.CheckAsync(Token)));
        }

        var restarted = await new UsageAlertChecker(database, Store(database, clock), clock).CheckAsync(Token);

        Assert.Equal([75, 90, 100, 120], won.Select(r => r.Threshold).Order());
        Assert.Empty(restarted);
        await using var db = database.CreateDbContext();
        Assert.Equal([75, 90, 100, 120], await db.UsageAlerts.Where(a => a.OrganisationId == organisation.Id).Select(a => a.Threshold).OrderBy(t => t).ToListAsync(Token));
        Assert.Equal(4, await db.WebhookDeliveries.CountAsync(d => d.EventType == WebhookEvents.UsageThresholdReached, Token));
        Assert.Equal(4, await db.AuditEntries.CountAsync(e => e.EntityType == "UsageAlert", Token));
        // Past the (zero-day) grace period both instances decide to serve defaults only; one of them makes the change.
        Assert.Equal(1, await db.AuditEntries.CountAsync(e => e.EntityType == "Organisation" && e.Actor == UsageAlertChecker.Actor, Token));
        Assert.NotNull((await db.Organisations.SingleAsync(o => o.Id == organisation.Id, Token)).ServingDefaultsSince);
        Assert.True(await EnvironmentStampAsync(database, environment.Id) > stampBefore);
    }

    internal static WebhookService Webhooks(TestDatabase database, TimeProvider clock) =>
        new(database, new FixedActor("tester"), CoreServices.OperatorAccess(database), clock, Options.Create(new WebhookOptions { AllowPrivateAddresses = true }));

    internal static UsageAllowanceService Allowances(TestDatabase database, Core.Audit.IActorAccessor actor, Core.Access.AccessControl access, TimeProvider clock) =>
        new(database, actor, access, new UsageAlertChecker(database, Store(database, clock), clock), clock);

    internal static EmbeddedUsageStore Store(TestDatabase database, TimeProvider clock) => new(database, Options.Create(new UsageOptions()), clock);

    internal static async Task SetAllowanceAsync(CoreServices core, int organisationId, long allowance, int billingDay = 1)
    {
        var allowances = Allowances(core.Database, new FixedActor("tester"), core.Access, core.Clock);
        await allowances.SetAsync(organisationId, new UsageAllowanceInput(allowance, billingDay), (await allowances.GetAsync(organisationId, Token)).Version, Token);
    }

    /// <summary>Calls to the flags endpoint in the current minute, handed to the store as the flusher hands them.</summary>
    internal static Task RecordCallsAsync(IUsageStore store, TimeProvider clock, SeededProject project, long calls)
    {
        var now = clock.GetUtcNow();
        var minute = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero);
        var call = new ApiCall(project.OrganisationId, project.ProjectId, project.EnvironmentIds[0], SdkResource.Flags, 2);
        return store.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long> { [call] = calls }, new Dictionary<EvaluationKey, long>())], Token);
    }

    private static async Task<DateTimeOffset> EnvironmentStampAsync(TestDatabase database, int environmentId)
    {
        await using var db = database.CreateDbContext();
        return await db.Environments.Where(e => e.Id == environmentId).Select(e => e.DocumentUpdatedAt).SingleAsync(Token);
    }

    private static async Task<List<WebhookDelivery>> DeliveriesAsync(TestDatabase database)
    {
        await using var db = database.CreateDbContext();
        return await db.WebhookDeliveries.AsNoTracking().OrderBy(d => d.Id).ToListAsync(Token);
    }
}
