using Bunit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Flags;
using MudBlazor;

namespace FlagDashboard.Tests.Flags;

public sealed class FeatureDialogTests : DashboardComponentTest
{
    [Fact]
    public async Task WeightsOverAHundredShowTheTotalAndSaveNothingUntilTheyFit()
    {
        var project = await SeedAsync();
        await OpenCreateDialogAsync();
        TextInput(Host, "feature-name").Input("button_colour");
        await Host.InvokeAsync(() => Host.FindComponents<MudSelect<FeatureType>>().Single().Instance.ValueChanged.InvokeAsync(FeatureType.Multivariate));
        Host.Find("[data-testid=add-option]").Click();
        Host.Find("[data-testid=add-option]").Click();
        TextInput(Host, "option-0-value-text").Input("red");
        TextInput(Host, "option-1-value-text").Input("green");
        TextInput(Host, "option-1-weight").Input("60");

        Host.WaitForAssertion(() => Assert.Contains("The weights add up to 110 %", Host.Find("[data-testid=weights-error]").TextContent));
        // Awaited: "nothing saved" is only worth asserting once the submit's handler has finished.
        await Host.Find("form#feature-form").SubmitAsync();

        Assert.Empty(await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token));
        Assert.NotEmpty(Host.FindAll("[data-testid=feature-dialog]"));

        TextInput(Host, "option-1-weight").Input("40");
        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll("[data-testid=weights-error]")));
        Host.Find("form#feature-form").Submit();

        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll("[data-testid=feature-dialog]")));
        var summary = Assert.Single(await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token));
        var feature = await Core.Features.GetAsync(summary.Id, Token);
        Assert.Equal(FeatureType.Multivariate, feature.Type);
        Assert.Equal([("red", 50.0), ("green", 40.0)], feature.Options.Select(o => (o.Value.AsString, o.DefaultWeight)));
        Host.WaitForElement("[data-testid=feature-link-button_colour]");
        Assert.Contains("Created feature button_colour.", Host.Markup);
    }

    [Fact]
    public async Task TheServicesValidationMessageShowsUnderItsField()
    {
        var project = await SeedAsync();
        await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("new_checkout"), Token);
        await OpenCreateDialogAsync();

        TextInput(Host, "feature-name").Input("new_checkout");
        Host.Find("form#feature-form").Submit();

        Host.WaitForAssertion(() => Assert.Contains("already has a feature named 'new_checkout'",
            TextInput(Host, "feature-name").Closest(".mud-input-control")!.TextContent));
        Assert.Single(await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token));
    }

    [Fact]
    public async Task AnInitialValueOfTheWrongTypeIsRejectedInTheForm()
    {
        var project = await SeedAsync();
        await OpenCreateDialogAsync();
        TextInput(Host, "feature-name").Input("max_items");
        await Host.InvokeAsync(() => Host.FindComponents<MudSelect<FlagValueType>>().Single().Instance.ValueChanged.InvokeAsync(FlagValueType.Double));
        TextInput(Host, "feature-value-text").Input("1,5");

        Host.Find("form#feature-form").Submit();

        Host.WaitForAssertion(() => Assert.Contains("'1,5' is not a finite decimal number.", Host.Markup));
        Assert.Empty(await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token));

        TextInput(Host, "feature-value-text").Input("1.5");
        Host.Find("form#feature-form").Submit();

        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll("[data-testid=feature-dialog]")));
        var created = Assert.Single(await Core.Features.ListAsync(project.ProjectId, cancellationToken: Token));
        Assert.Equal(FlagValue.FromDouble(1.5), (await Core.Features.GetAsync(created.Id, Token)).InitialValue);
    }

    [Fact]
    public async Task EditingAFeatureSomeoneElseChangedShowsAConflictAndReloadsTheirVersion()
    {
        var project = await SeedAsync();
        var feature = await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("new_checkout", "Mine", ["checkout"]), Token);
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=edit-new_checkout]").Click();
        Host.WaitForElement("[data-testid=feature-description]");
        TextInput(Host, "feature-description").Input("My new text");
        await Core.As("someone-else").Features.UpdateAsync(feature.Id, new FeatureInput("new_checkout", "Theirs", ["checkout"]), feature.Version, Token);

        Host.Find("form#feature-form").Submit();

        Host.WaitForElement("[data-testid=conflict]");
        Assert.Equal("Theirs", (await Core.Features.GetAsync(feature.Id, Token)).Description);
        await Host.Find("[data-testid=conflict-reload]").ClickAsync(new());
        Host.WaitForAssertion(() => Assert.Equal("Theirs", TextInput(Host, "feature-description").GetAttribute("value") ?? TextInput(Host, "feature-description").TextContent));
        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll("[data-testid=conflict]")));
    }

    [Fact]
    public async Task SwitchingAMultivariateFeatureToStandardAsksBeforeItsOptionsGo()
    {
        var project = await SeedAsync();
        var feature = await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("button_colour", Options:
            [new MultivariateOptionInput(null, FlagValue.FromString("red"), 30)]), Token);
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=edit-button_colour]").Click();
        Host.WaitForElement("[data-testid=options-editor]");
        await Host.InvokeAsync(() => Host.FindComponents<MudSelect<FeatureType>>().Single().Instance.ValueChanged.InvokeAsync(FeatureType.Standard));

        Host.Find("form#feature-form").Submit();
        Host.WaitForElement(".mud-message-box__no-button, .mud-message-box__cancel-button").Click();

        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll(".mud-message-box__yes-button")));
        Assert.Single((await Core.Features.GetAsync(feature.Id, Token)).Options);

        Host.Find("form#feature-form").Submit();
        Host.WaitForElement(".mud-message-box__yes-button").Click();

        Host.WaitForAssertion(() => Assert.Empty(Host.FindAll("[data-testid=feature-dialog]")));
        var saved = await Core.Features.GetAsync(feature.Id, Token);
        Assert.Equal(FeatureType.Standard, saved.Type);
        Assert.Empty(saved.Options);
    }

    private async Task<Infrastructure.SeededProject> SeedAsync()
    {
        var project = await Core.SeedProjectAsync();
        Selection.Select(project.ProjectId, project.EnvironmentIds[0]);
        return project;
    }

    private Task OpenCreateDialogAsync()
    {
        var page = RenderInLayout<FeaturesPage>();
        page.WaitForElement("[data-testid=create-feature]").Click();
        Host.WaitForElement("[data-testid=feature-name]");
        return Task.CompletedTask;
    }
}
