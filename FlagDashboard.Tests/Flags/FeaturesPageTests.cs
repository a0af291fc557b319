using Bunit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Usage;
using FlagDashboard.Flags;
using MudBlazor;
using MudBlazor.Extensions;

namespace FlagDashboard.Tests.Flags;

public sealed class FeaturesPageTests : DashboardComponentTest
{
    [Fact]
    public async Task TheInlineSwitchTurnsTheFeatureOnInTheSelectedEnvironmentOnly()
    {
        var (project, feature) = await SeedAsync();
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=features-table]");

        await page.InvokeAsync(() => Switch(page, "new_checkout").ValueChanged.InvokeAsync(true));

        page.WaitForAssertion(() => Assert.True(Switch(page, "new_checkout").GetState(x => x.Value)));
        Assert.True((await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Enabled);
        Assert.False((await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1])).Enabled);
        Host.WaitForAssertion(() => Assert.Contains("new_checkout is on.", Host.Markup));
    }

    [Fact]
    public async Task TheValueEditorParsesTheChosenTypeAndRejectsABadNumber()
    {
        var (project, feature) = await SeedAsync();
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=value-new_checkout-edit]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindComponents<MudSelect<FlagValueType>>()));
        var typeSelect = page.FindComponents<MudSelect<FlagValueType>>().Single();
        await page.InvokeAsync(() => typeSelect.Instance.ValueChanged.InvokeAsync(FlagValueType.Integer));

        TextInput(page, "value-new_checkout-editor-text").Input("12x");
        page.Find("[data-testid=value-new_checkout-form]").Submit();

        page.WaitForAssertion(() => Assert.Contains("'12x' is not a whole number", page.Markup));
        Assert.Equal(FlagValue.FromString("blue"), (await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Value);

        TextInput(page, "value-new_checkout-editor-text").Input(" 42 ");
        page.Find("[data-testid=value-new_checkout-form]").Submit();

        page.WaitForAssertion(() => Assert.Equal("42", page.Find("[data-testid=value-new_checkout]").TextContent));
        var saved = (await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Value;
        Assert.Equal(FlagValueType.Integer, saved.Type);
        Assert.Equal(42, saved.AsInteger);
    }

    [Fact]
    public async Task EscapeLeavesTheValueAsItWas()
    {
        var (project, feature) = await SeedAsync();
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=value-new_checkout-edit]").Click();
        page.WaitForElement("[data-testid=value-new_checkout-editor-text]");
        TextInput(page, "value-new_checkout-editor-text").Input("changed");

        await page.Find("[data-testid=value-new_checkout-form]").KeyDownAsync(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Escape" });

        page.WaitForAssertion(() => Assert.Equal("blue", page.Find("[data-testid=value-new_checkout]").TextContent));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=value-new_checkout-form]")));
        Assert.Equal(FlagValue.FromString("blue"), (await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Value);
    }

    [Fact]
    public async Task ArchivedFeaturesAreHiddenUntilAskedFor()
    {
        var (project, _) = await SeedAsync();
        var old = await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("old_banner"), Token);
        await Core.Features.SetArchivedAsync(old.Id, true, old.Version, Token);
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=features-table]");
        Assert.Empty(page.FindAll("[data-testid=feature-link-old_banner]"));

        await page.InvokeAsync(() => page.FindComponents<MudSwitch<bool>>().Single(s => s.Instance.Label == "Show archived").Instance.ValueChanged.InvokeAsync(true));

        page.WaitForElement("[data-testid=feature-link-old_banner]");
        Assert.Contains("archived", page.Find("[data-testid=feature-row-old_banner]").TextContent);
    }

    [Fact]
    public async Task SearchAndTagsNarrowTheTable()
    {
        var (project, _) = await SeedAsync();
        await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("dark_mode", "Night theme", ["ui"]), Token);
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=feature-link-dark_mode]");

        TextInput(page, "feature-search").Input("night");
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=feature-link-new_checkout]")));
        Assert.Single(page.FindAll("[data-testid=feature-link-dark_mode]"));

        TextInput(page, "feature-search").Input("");
        await page.InvokeAsync(() => page.FindComponents<MudSelect<string>>().Single().Instance.SelectedValuesChanged.InvokeAsync(["checkout"]));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=feature-link-dark_mode]")));
        Assert.Equal("/features/" + (await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token)).Single(f => f.Name == "new_checkout").Id,
            page.WaitForElement("[data-testid=feature-link-new_checkout]").GetAttribute("href"));
    }

    [Fact]
    public async Task TheSparklineShowsTheLastDaysEvaluationsFromOneQuery()
    {
        var (project, _) = await SeedAsync();
        var minute = UsageWindow.OneMinute.Floor(Core.Clock.GetUtcNow().AddHours(-2));
        var featureId = (await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token)).Single(f => f.Name == "new_checkout").Id;
        await UsageStore.WriteAsync([new UsageBatch(minute, new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>
        {
            [new EvaluationKey(project.OrganisationId, project.ProjectId, project.EnvironmentIds[0], featureId)] = 5,
            [new EvaluationKey(project.OrganisationId, project.ProjectId, project.EnvironmentIds[1], featureId)] = 7,
        })], Token);

        var page = RenderInLayout<FeaturesPage>();

        page.WaitForAssertion(() => Assert.Equal("5", page.Find("[data-testid=sparkline-new_checkout]").GetAttribute("data-total")));
        Assert.NotEmpty(page.Find("[data-testid=sparkline-new_checkout] polyline").GetAttribute("points")!);
    }

    [Fact]
    public async Task AFlagUnevaluatedPastTheThresholdIsBadgedStaleAndStaleOnlyLeavesOutTheYoungOne()
    {
        var (project, feature) = await SeedAsync();
        await UsageStore.WriteAsync([new UsageBatch(UsageWindow.OneMinute.Floor(Core.Clock.GetUtcNow()), new Dictionary<ApiCall, long>(), new Dictionary<EvaluationKey, long>
        {
            [new EvaluationKey(project.OrganisationId, project.ProjectId, project.EnvironmentIds[1], feature.Id)] = 3,
        })], Token);
        Core.Clock.Advance(TimeSpan.FromDays(32));
        await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("young_banner"), Token);
        await UsageStore.RollUpAsync(Token);
        await UsageStore.PruneAsync(Token);

        var page = RenderInLayout<FeaturesPage>();

        page.WaitForElement("[data-testid=stale-new_checkout]");
        Assert.Empty(page.FindAll("[data-testid=stale-young_banner]"));
        await page.InvokeAsync(() => page.FindComponents<MudSwitch<bool>>().Single(s => s.Instance.Label == "Stale only").Instance.ValueChanged.InvokeAsync(true));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=feature-link-young_banner]")));
        Assert.Single(page.FindAll("[data-testid=feature-link-new_checkout]"));
    }

    [Fact]
    public async Task AChangeBySomeoneElseIsReportedAndShownInsteadOfOverwritten()
    {
        var (project, feature) = await SeedAsync();
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=features-table]");
        var state = await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0]);
        await Core.As("someone-else").Features.UpdateStateAsync(state.Id, false, FlagValue.FromString("green"), state.Version, Token);

        await page.InvokeAsync(() => Switch(page, "new_checkout").ValueChanged.InvokeAsync(true));

        Host.WaitForAssertion(() => Assert.Contains("Someone else changed new_checkout", Host.Markup));
        page.WaitForAssertion(() => Assert.Equal("green", page.Find("[data-testid=value-new_checkout]").TextContent));
        Assert.False((await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Enabled);
    }

    [Fact]
    public async Task DeletingAsksFirstAndCancelKeepsTheFeature()
    {
        var (project, _) = await SeedAsync();
        var page = RenderInLayout<FeaturesPage>();

        page.WaitForElement("[data-testid=delete-new_checkout]").Click();
        Host.WaitForAssertion(() => Assert.Contains("This cannot be undone.", Host.Markup));
        Host.Find(".mud-message-box__no-button, .mud-message-box__cancel-button").Click();

        Host.WaitForAssertion(() => Assert.DoesNotContain("This cannot be undone.", Host.Markup));
        Assert.Single(await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token));

        page.Find("[data-testid=delete-new_checkout]").Click();
        Host.WaitForElement(".mud-message-box__yes-button").Click();

        page.WaitForAssertion(() => Assert.Contains("No features yet", page.Find("[data-testid=empty-state]").TextContent));
        Assert.Empty(await Core.Features.ListAsync(project.ProjectId, includeArchived: true, cancellationToken: Token));
        Assert.Contains("Deleted new_checkout.", Host.Markup);
    }

    private static MudSwitch<bool> Switch(IRenderedComponent<FeaturesPage> page, string feature) =>
        page.FindComponents<MudSwitch<bool>>().Single(s => s.Instance.UserAttributes.TryGetValue("data-testid", out var id) && (string?)id == $"toggle-{feature}").Instance;

    private async Task<(Infrastructure.SeededProject Project, Feature Feature)> SeedAsync()
    {
        var project = await Core.SeedProjectAsync();
        var feature = await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("new_checkout", "The new checkout", ["checkout"], false, FlagValue.FromString("blue")), Token);
        Selection.Select(project.ProjectId, project.EnvironmentIds[0]);
        return (project, feature);
    }
}
