using System.Globalization;
using Bunit;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Usage;
using FlagDashboard.Flags;

namespace FlagDashboard.Tests.Flags;

public sealed class FeaturePageTests : DashboardComponentTest
{
    [Fact]
    public async Task TheFeaturePageShowsEveryEnvironmentSideBySideAndItsOverrides()
    {
        var (project, feature) = await SeedAsync();
        var production = await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1]);
        await Core.Features.UpdateStateAsync(production.Id, true, FlagValue.FromInteger(7), production.Version, Token);
        var identity = await Core.Identities.CreateAsync(project.EnvironmentIds[0], "user-42", Token);
        await Core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.FromString("vip"), Token);

        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });

        page.WaitForElement("[data-testid=env-state-Production]");
        Assert.Contains("Off", page.Find("[data-testid=env-state-Development]").TextContent);
        Assert.Contains("On", page.Find("[data-testid=env-state-Production]").TextContent);
        Assert.Equal("7", page.Find("[data-testid=env-value-Production]").TextContent);
        Assert.Contains("beta", page.Find("[data-testid=segment-override-Development-0]").TextContent);
        Assert.Contains("staff", page.Find("[data-testid=segment-override-Development-1]").TextContent);
        Assert.Contains("user-42", page.Find("[data-testid=identity-overrides]").TextContent);
        Assert.Contains("vip", page.Find("[data-testid=identity-overrides]").TextContent);
        page.WaitForElement("[data-testid=evaluations-chart]");
    }

    [Fact]
    public async Task MovingASegmentOverrideDownSavesTheNewPriorityOrder()
    {
        var (project, feature) = await SeedAsync();
        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });

        page.WaitForElement("[data-testid=move-down-Development-beta]").Click();

        page.WaitForAssertion(() => Assert.Contains("staff", page.Find("[data-testid=segment-override-Development-0]").TextContent));
        var order = await Core.Segments.ListOverridesAsync(project.EnvironmentIds[0], feature.Id, Token);
        Assert.Equal(["staff", "beta"], order.OrderBy(o => o.Priority).Select(o => o.SegmentName));
    }

    [Fact]
    public async Task SwitchingOnInOneEnvironmentLeavesTheOtherAlone()
    {
        var (project, feature) = await SeedAsync();
        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });
        page.WaitForElement("[data-testid=env-state-Production]");

        var production = page.FindComponents<MudBlazor.MudSwitch<bool>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == "env-toggle-Production");
        await page.InvokeAsync(() => production.Instance.ValueChanged.InvokeAsync(true));

        page.WaitForAssertion(() => Assert.Contains("On", page.Find("[data-testid=env-state-Production]").TextContent));
        Assert.True((await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1])).Enabled);
        Assert.False((await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Enabled);
    }

    [Fact]
    public void AnUnknownFeatureSaysSoAndLinksBackToTheTable()
    {
        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = 999 });

        page.WaitForAssertion(() => Assert.Contains("No such feature", page.Find("[data-testid=empty-state]").TextContent));
    }

    [Fact]
    public async Task TheFeaturePageSaysWhenItWasLastEvaluatedInEachEnvironmentAndThatItIsStale()
    {
        var (project, feature) = await SeedAsync();
        var evaluatedAt = UsageWindow.OneMinute.Floor(Core.Clock.GetUtcNow());
        await UsageStore.WriteAsync([new UsageBatch(evaluatedAt, new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>
        {
            [new EvaluationKey(project.OrganisationId, project.ProjectId, project.EnvironmentIds[1], feature.Id)] = 3,
        })], Token);
        Core.Clock.Advance(TimeSpan.FromDays(32));
        await UsageStore.RollUpAsync(Token);

        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });

        page.WaitForElement("[data-testid=feature-stale]");
        Assert.Contains("never", page.Find("[data-testid=last-evaluated-Development]").TextContent);
        Assert.Contains(evaluatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), page.Find("[data-testid=last-evaluated-Production]").TextContent);
    }

    [Fact]
    public async Task ASwitchAndValueScheduledFromAnEnvironmentsCardArePendingOnThePageWhileTheLiveStateStays()
    {
        var (project, feature) = await SeedAsync();
        var at = Core.Clock.Now.AddHours(3);
        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });

        page.WaitForElement("[data-testid=schedule-Production]").Click();
        TextInput(Host, "schedule-at").Change("");
        Host.Find("form#schedule-form").Submit();
        Host.WaitForAssertion(() => Assert.Contains("Pick the date and time", Host.Find("[data-testid=schedule-dialog]").TextContent));
        Assert.Empty(await Core.ChangeRequests.ListAsync(project.EnvironmentIds[1], cancellationToken: Token));

        var enabled = Host.FindComponents<MudBlazor.MudSwitch<bool>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == "schedule-enabled");
        await Host.InvokeAsync(() => enabled.Instance.ValueChanged.InvokeAsync(true));
        TextInput(Host, "schedule-value-text").Input("launch");
        TextInput(Host, "schedule-at").Change(at.ToLocalTime().ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        Host.Find("form#schedule-form").Submit();

        var row = page.WaitForElement("[data-testid=scheduled-change]");
        Assert.Contains("Production", row.TextContent);
        Assert.Contains("Switch on, value launch", row.TextContent);
        Assert.Contains(at.ToLocalTime().ToString("g"), row.TextContent);
        var scheduled = Assert.Single(await Core.ChangeRequests.ListAsync(project.EnvironmentIds[1], cancellationToken: Token));
        Assert.Equal((ChangeRequestStatus.Scheduled, at), (scheduled.Status, scheduled.ScheduledFor));
        var live = await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1]);
        Assert.Equal((false, FlagValue.FromString("blue")), (live.Enabled, live.Value));
    }

    private async Task<(Infrastructure.SeededProject Project, Feature Feature)> SeedAsync()
    {
        var project = await Core.SeedProjectAsync();
        var feature = await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("new_checkout", InitialValue: FlagValue.FromString("blue")), Token);
        var beta = await Core.Segments.CreateAsync(project.ProjectId, new SegmentInput("beta", null, []), Token);
        var staff = await Core.Segments.CreateAsync(project.ProjectId, new SegmentInput("staff", null, []), Token);
        await Core.Segments.CreateOverrideAsync(project.EnvironmentIds[0], feature.Id, beta.Id, true, FlagValue.FromString("green"), Token);
        await Core.Segments.CreateOverrideAsync(project.EnvironmentIds[0], feature.Id, staff.Id, false, FlagValue.FromString("red"), Token);
        Selection.Select(project.ProjectId, project.EnvironmentIds[0]);
        return (project, feature);
    }
}
