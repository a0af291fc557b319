using System.Globalization;
using Bunit;
using FlagDashboard.ChangeRequests;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Flags;
using FlagDashboard.Flags;
using FlagDashboard.Tests.Flags;

namespace FlagDashboard.Tests.ChangeRequests;

/// <summary>The change request pages, the feature page's scheduled changes and its History section, over the real services.</summary>
public sealed class ChangeRequestPagesTests : DashboardComponentTest
{
    [Fact]
    public async Task TheRequestPageShowsTheProposedChangeAndApprovingThenCommittingMakesItLive()
    {
        var (feature, production) = await SeedAsync(requiredApprovals: 1);
        var id = await ProposeAsync(feature.Id, production, "proposed");

        var page = RenderInLayout<ChangeRequestPage>(new Dictionary<string, object?> { ["Id"] = id });

        page.WaitForAssertion(() => Assert.Contains("0 of 1 approvals", page.Find("[data-testid=request-status]").TextContent));
        Assert.Contains("proposed", page.Find("[data-testid=diff-changed]").TextContent);
        Assert.True(page.Find("[data-testid=commit-request]").HasAttribute("disabled"));
        page.Find("[data-testid=approve-request]").Click();
        page.WaitForAssertion(() => Assert.Contains("1 of 1 approvals", page.Find("[data-testid=request-status]").TextContent));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=commit-request]").HasAttribute("disabled")));

        page.Find("[data-testid=commit-request]").Click();

        page.WaitForAssertion(() => Assert.Contains("Committed", page.Find("[data-testid=request-status]").TextContent));
        Assert.Equal(FlagValue.FromString("proposed"), (await Core.DefaultStateAsync(feature.Id, production)).Value);
    }

    [Fact]
    public async Task AnApprovedRequestIsScheduledForTheLocalTimePicked()
    {
        var (feature, production) = await SeedAsync(requiredApprovals: 1);
        var id = await ProposeAsync(feature.Id, production, "later");
        await Core.As("bo").ChangeRequests.ApproveAsync(id, Token);
        var at = Core.Clock.Now.AddHours(2);
        var page = RenderInLayout<ChangeRequestPage>(new Dictionary<string, object?> { ["Id"] = id });

        TextInput(Host, "schedule-at").Change(at.ToLocalTime().ToString("yyyy-MM-ddTHH:mm", CultureInfo.InvariantCulture));
        page.WaitForAssertion(() => Assert.False(page.Find("[data-testid=schedule-request]").HasAttribute("disabled")));
        page.Find("[data-testid=schedule-request]").Click();

        page.WaitForElement("[data-testid=request-scheduled]");
        var scheduled = await Core.ChangeRequests.GetAsync(id, Token);
        Assert.Equal((ChangeRequestStatus.Scheduled, at), (scheduled.Summary.Status, scheduled.Summary.ScheduledFor));
        Assert.Equal(FlagValue.FromString("old"), (await Core.DefaultStateAsync(feature.Id, production)).Value);
        Assert.NotNull(page.Find("[data-testid=cancel-schedule]"));
    }

    [Fact]
    public async Task TheFeaturePageShowsAPendingScheduleWhichCanBeCancelled()
    {
        var (feature, production) = await SeedAsync(requiredApprovals: 0);
        var at = Core.Clock.Now.AddHours(2);
        var id = await ProposeAsync(feature.Id, production, "later", at);

        var featurePage = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });
        var row = featurePage.WaitForElement("[data-testid=scheduled-change]");
        Assert.Contains("Scheduled", row.TextContent);
        Assert.Contains(at.ToLocalTime().ToString("g"), row.TextContent);
        // The row can render before the page knows the person may cancel: wait for the button itself.
        featurePage.WaitForElement("[data-testid=scheduled-change] [data-testid=cancel-schedule]").Click();

        featurePage.WaitForAssertion(() => Assert.Empty(featurePage.FindAll("[data-testid=scheduled-change]")));
        Assert.Equal(ChangeRequestStatus.Closed, (await Core.ChangeRequests.GetAsync(id, Token)).Summary.Status);
    }

    [Fact]
    public async Task AScheduleFlaggedAsAConflictIsShownAsNotApplied()
    {
        var (feature, production) = await SeedAsync(requiredApprovals: 0);
        var id = await ProposeAsync(feature.Id, production, "scheduled", Core.Clock.Now.AddMinutes(1));
        var state = await Core.DefaultStateAsync(feature.Id, production);
        await Core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("meanwhile"), state.Version, Token);
        Core.Clock.Advance(TimeSpan.FromMinutes(1));
        await new ScheduledChanges(Core.Database, Core.Clock).RunDueAsync(Token);

        var featurePage = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });
        featurePage.WaitForAssertion(() => Assert.Contains("Conflict", featurePage.Find("[data-testid=scheduled-change]").TextContent));
        Assert.Contains($"#{id}", featurePage.Find("[data-testid=scheduled-change]").TextContent);
    }

    [Fact]
    public async Task TheRequestsPageListsOpenRequests()
    {
        var (feature, production) = await SeedAsync(requiredApprovals: 1);
        var id = await ProposeAsync(feature.Id, production, "proposed");

        var list = RenderInLayout<ChangeRequestsPage>(new Dictionary<string, object?> { ["EnvironmentId"] = production });

        list.WaitForAssertion(() => Assert.Contains("Set proposed", list.Find($"[data-testid=change-request-{id}]").TextContent));
    }

    [Fact]
    public async Task TheHistorySectionRestoresAnOldVersionAsANewOne()
    {
        var (feature, production) = await SeedAsync(requiredApprovals: 0);
        var state = await Core.DefaultStateAsync(feature.Id, production);
        await Core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("second"), state.Version, Token);

        var featurePage = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });
        var versions = await Core.Versions.ListAsync(feature.Id, production, Token);
        var history = featurePage.WaitForElement("[data-testid=version-history]");
        var environment = featurePage.FindComponents<MudBlazor.MudSelect<int>>()
            .Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var testId) && (string?)testId == "history-environment");
        await featurePage.InvokeAsync(() => environment.Instance.ValueChanged.InvokeAsync(production));
        featurePage.WaitForElement($"[data-testid=restore-{versions[^1].Number}]").Click();
        Host.WaitForAssertion(() => Assert.Single(Host.FindAll(".mud-dialog button"), b => b.TextContent.Trim() == "Restore"));
        Host.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Restore").Click();

        // Waiting on the page, not on a query inside the wait: the check runs on the renderer's thread, which the
        // restore's own continuation needs (blocking it there hung the run on PostgreSQL).
        featurePage.WaitForElement($"[data-testid=version-{versions.Max(v => v.Number) + 1}]");
        Assert.Equal(versions.Count + 1, (await Core.Versions.ListAsync(feature.Id, production, Token)).Count);
        Assert.Equal(FlagValue.FromString("old"), (await Core.DefaultStateAsync(feature.Id, production)).Value);
        Assert.NotNull(history);
    }

    private async Task<(Feature Feature, int Production)> SeedAsync(int requiredApprovals)
    {
        var seeded = await Core.SeedProjectAsync("Development", "Production");
        var production = seeded.EnvironmentIds[1];
        var feature = await Core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", InitialValue: FlagValue.FromString("old")), Token);
        var environment = await Core.EnvironmentRowAsync(production);
        await Core.Environments.SetRequiredApprovalsAsync(production, requiredApprovals, environment.Version, Token);
        return (feature, production);
    }

    private async Task<int> ProposeAsync(int featureId, int environmentId, string value, DateTimeOffset? at = null)
    {
        var author = Core.As("ana");
        var versions = await author.Versions.ListAsync(featureId, environmentId, Token);
        var live = (await author.Versions.GetAsync(featureId, environmentId, versions[0].Number, Token)).States;
        var request = await author.ChangeRequests.CreateAsync(featureId, environmentId,
            new ChangeRequestInput($"Set {value}", null, live with { Value = FlagValue.FromString(value).ToJson() }, null, null, at), Token);
        return request.Summary.Id;
    }
}
