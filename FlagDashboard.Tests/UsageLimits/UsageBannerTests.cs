using Bunit;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Tests.Flags;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.UsageLimits;
using Microsoft.Extensions.DependencyInjection;

namespace FlagDashboard.Tests.UsageLimits;

public sealed class UsageBannerTests : DashboardComponentTest
{
    [Fact]
    public async Task MembersSeeTheBannerPastSeventyFivePercentWithTheSeverityOfTheThresholdAndOthersDoNot()
    {
        var seeded = await Core.SeedProjectAsync("Production");
        var quiet = await Core.SeedProjectAsync("Production");
        await UsageAlertCheckerTests.SetAllowanceAsync(Core, seeded.OrganisationId, 1000);
        await UsageAlertCheckerTests.SetAllowanceAsync(Core, quiet.OrganisationId, 1000);
        Core.Clock.Advance(TimeSpan.FromSeconds(30));
        var checker = new UsageAlertChecker(Core.Database, UsageStore, Core.Clock);
        var member = await Access.MembersServiceTests.AddPersonAsync(Core, "member@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var outsider = await Access.MembersServiceTests.AddPersonAsync(Core, "outsider@example.com", quiet.OrganisationId, OrganisationRole.Member);

        await UsageAlertCheckerTests.RecordCallsAsync(UsageStore, Core.Clock, seeded, 700);
        await UsageAlertCheckerTests.RecordCallsAsync(UsageStore, Core.Clock, quiet, 10);
        await checker.CheckAsync(Token);
        Assert.Empty(RenderBanner(member).FindAll("[data-testid=usage-banner]"));

        await UsageAlertCheckerTests.RecordCallsAsync(UsageStore, Core.Clock, seeded, 60);
        await checker.CheckAsync(Token);
        var info = RenderBanner(member).Find("[data-testid=usage-banner]");
        Assert.Contains("API calls this period: 760 of 1,000 (76 %)", info.TextContent);
        Assert.Contains("mud-alert-text-info", info.ClassName);
        Assert.Empty(RenderBanner(outsider).FindAll("[data-testid=usage-banner]"));

        await UsageAlertCheckerTests.RecordCallsAsync(UsageStore, Core.Clock, seeded, 800);
        await checker.CheckAsync(Token);
        var error = RenderBanner(member).Find("[data-testid=usage-banner]");
        Assert.Contains("API calls this period: 1,560 of 1,000 (156 %)", error.TextContent);
        Assert.Contains("mud-alert-text-error", error.ClassName);
        Assert.Equal("120", error.GetAttribute("data-threshold"));
        Assert.DoesNotContain("default", error.TextContent, StringComparison.Ordinal);

        Core.Clock.Advance(TimeSpan.FromMinutes(1));
        var allowances = UsageAlertCheckerTests.Allowances(Core.Database, new Core.Audit.FixedActor("tester"), Core.Access, Core.Clock);
        await allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(1000, 1, OverLimitBehaviour.ServeDefaultsOnly, 0), (await allowances.GetAsync(seeded.OrganisationId, Token)).Version, Token);
        var defaultsOnly = RenderBanner(member).Find("[data-testid=usage-banner]");
        Assert.Contains("SDKs are served each flag's default only", defaultsOnly.TextContent, StringComparison.Ordinal);
    }

    private readonly SwitchableActor _viewer = new();
    private bool _registered;

    private IRenderedComponent<UsageBanner> RenderBanner(AccessSubject subject)
    {
        _viewer.Subject = subject;
        if (!_registered)
        {
            var access = CoreServices.AccessFor(Core.Database, _viewer);
            Services.AddScoped(_ => new UsageStatusService(Core.Database, access, new UsageAlertChecker(Core.Database, UsageStore, Core.Clock), Core.Clock));
            _registered = true;
        }

        var banner = Render<UsageBanner>();
        banner.WaitForState(() => banner.Instance.IsLoaded);
        return banner;
    }

    private sealed class SwitchableActor : Core.Audit.IActorAccessor
    {
        public AccessSubject Subject { get; set; } = new AccessSubject.Anonymous();

        public ValueTask<AccessSubject> GetSubjectAsync() => ValueTask.FromResult(Subject);
    }
}
