using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Usage;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Usage;

/// <summary>An organisation's period: totals by project and environment that add up, the trend of 12 periods, the top flags; for its Owners.</summary>
public sealed class OrganisationUsageServiceTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ThePeriodsCallsAddUpByProjectAndEnvironmentAndTheTrendHoldsEarlierPeriods()
    {
        await using var core = await CoreServices.CreateAsync();
        // The clock starts at 09:00 on 1 March: the period began nine hours ago.
        var shop = await core.SeedProjectAsync("Development", "Production");
        var (development, production) = (shop.EnvironmentIds[0], shop.EnvironmentIds[1]);
        var blog = await core.Projects.CreateAsync(shop.OrganisationId, "Blog", Cancel);
        var live = (await core.Environments.CreateAsync(blog.Id, "Live", Cancel)).Id;
        var checkout = await core.Features.CreateAsync(shop.ProjectId, new FeatureInput("checkout"), Cancel);
        var comments = await core.Features.CreateAsync(blog.Id, new FeatureInput("comments"), Cancel);
        var organisation = shop.OrganisationId;
        var now = core.Clock.Now;
        var store = EmbeddedUsageStoreTests.Store(core.Database, core.Clock);
        await store.WriteAsync(
        [
            Calls(now.AddHours(-1), (new ApiCall(organisation, shop.ProjectId, development, SdkResource.Flags, 2), 5), (new ApiCall(organisation, shop.ProjectId, production, SdkResource.Identities, 2), 7),
                (new ApiCall(organisation, blog.Id, live, SdkResource.Flags, 2), 3), (new ApiCall(organisation, null, null, SdkResource.Flags, 4), 2)),
            Calls(now.AddHours(-9).AddMinutes(-1), (new ApiCall(organisation, shop.ProjectId, development, SdkResource.Flags, 2), 100)),
            Calls(now.AddDays(-45), (new ApiCall(organisation, blog.Id, live, SdkResource.Flags, 2), 40)),
            new UsageBatch(UsageWindow.OneMinute.Floor(now.AddHours(-1)), new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>
            {
                [new EvaluationKey(organisation, shop.ProjectId, development, checkout.Id)] = 9,
                [new EvaluationKey(organisation, blog.Id, live, comments.Id)] = 4,
            }),
        ], Cancel);
        var service = new OrganisationUsageService(new UsageQueryService(store, core.Database, core.Access, core.Clock), core.Database, core.Clock);

        var usage = await service.ForPeriodAsync(organisation, cancellationToken: Cancel);

        Assert.Equal((new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero), now), (usage.From, usage.To, usage.AsOf));
        Assert.Equal(17, usage.ApiCalls);
        Assert.Equal([("Shop", 12L), ("Blog", 3L), (OrganisationUsageService.UnknownKey, 2L)], usage.Projects.Select(p => (p.Name, p.ApiCalls)));
        Assert.Equal([("Production", 7L), ("Development", 5L), ("Live", 3L), (OrganisationUsageService.UnknownKey, 2L)], usage.Environments.Select(e => (e.Name, e.ApiCalls)));
        Assert.Equal(usage.ApiCalls, usage.Projects.Sum(p => p.ApiCalls));
        Assert.Equal(usage.ApiCalls, usage.Environments.Sum(e => e.ApiCalls));
        Assert.Equal(12, usage.Trend.Count);
        Assert.Equal(new DateTimeOffset(2025, 4, 1, 0, 0, 0, TimeSpan.Zero), usage.Trend[0].From);
        Assert.Equal([0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 100, 17], usage.Trend.Select(p => p.ApiCalls));
        Assert.Equal([("checkout", "Shop", 9L), ("comments", "Blog", 4L)], usage.TopFlags.Select(f => (f.Name, f.ProjectName!, f.Evaluations)));

        var february = await service.ForPeriodAsync(organisation, new DateTimeOffset(2026, 2, 10, 0, 0, 0, TimeSpan.Zero), Cancel);
        Assert.Equal((100L, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)), (february.ApiCalls, february.AsOf));
        Assert.Equal([("Shop", 100L)], february.Projects.Select(p => (p.Name, p.ApiCalls)));
        await Assert.ThrowsAsync<ValidationException>(() => service.ForPeriodAsync(organisation, now.AddDays(1), Cancel));
    }

    [Fact]
    public async Task ThePeriodStartsOnTheOrganisationsBillingDayAndCarriesItsAllowance()
    {
        await using var core = await CoreServices.CreateAsync();
        // The clock is at 09:00 on 1 March: with billing on the 15th, the period began on 15 February.
        var shop = await core.SeedProjectAsync("Development");
        await using (var db = core.NewContext())
        {
            var organisation = await db.Organisations.FindAsync([shop.OrganisationId], Cancel);
            organisation!.BillingDay = 15;
            organisation.MonthlyApiCallAllowance = 1_000;
            await db.SaveChangesAsync(Cancel);
        }

        var call = new ApiCall(shop.OrganisationId, shop.ProjectId, shop.EnvironmentIds[0], SdkResource.Flags, 2);
        var store = EmbeddedUsageStoreTests.Store(core.Database, core.Clock);
        await store.WriteAsync([Calls(new DateTimeOffset(2026, 2, 20, 12, 0, 0, TimeSpan.Zero), (call, 30)), Calls(new DateTimeOffset(2026, 2, 14, 12, 0, 0, TimeSpan.Zero), (call, 8))], Cancel);
        var service = new OrganisationUsageService(new UsageQueryService(store, core.Database, core.Access, core.Clock), core.Database, core.Clock);

        var usage = await service.ForPeriodAsync(shop.OrganisationId, cancellationToken: Cancel);

        Assert.Equal((new DateTimeOffset(2026, 2, 15, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 15, 0, 0, 0, TimeSpan.Zero)), (usage.From, usage.To));
        Assert.Equal((30L, (long?)1_000), (usage.ApiCalls, usage.Allowance));
        Assert.Equal((new DateTimeOffset(2026, 1, 15, 0, 0, 0, TimeSpan.Zero), 8L), (usage.Trend[^2].From, usage.Trend[^2].ApiCalls));
        Assert.All(usage.Trend, period => Assert.Equal(15, period.From.Day));
    }

    [Fact]
    public async Task SomeoneWhoIsNotAnOwnerOfTheOrganisationIsRefused()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var stranger = core.As(new AccessSubject.Anonymous());
        var store = EmbeddedUsageStoreTests.Store(core.Database, core.Clock);
        var service = new OrganisationUsageService(new UsageQueryService(store, core.Database, stranger.Access, core.Clock), core.Database, core.Clock);

        await Assert.ThrowsAsync<ForbiddenException>(() => service.ForPeriodAsync(seeded.OrganisationId, cancellationToken: Cancel));
    }

    private static UsageBatch Calls(DateTimeOffset at, params (ApiCall Call, long Count)[] calls) =>
        new(UsageWindow.OneMinute.Floor(at), calls.ToDictionary(c => c.Call, c => c.Count), new Dictionary<EvaluationKey, long>());
}
