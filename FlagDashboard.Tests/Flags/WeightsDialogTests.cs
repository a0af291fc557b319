using Bunit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Flags;

namespace FlagDashboard.Tests.Flags;

public sealed class WeightsDialogTests : DashboardComponentTest
{
    [Fact]
    public async Task AnEnvironmentsSplitOverAHundredIsRefusedAndOneThatFitsIsSaved()
    {
        var project = await Core.SeedProjectAsync();
        var feature = await Core.Features.CreateAsync(project.ProjectId, new FeatureInput("button_colour", InitialValue: FlagValue.FromString("grey"), Options:
        [
            new MultivariateOptionInput(null, FlagValue.FromString("red"), 50),
            new MultivariateOptionInput(null, FlagValue.FromString("green"), 40),
        ]), Token);
        Selection.Select(project.ProjectId, project.EnvironmentIds[0]);
        var page = RenderInLayout<FeaturePage>(new Dictionary<string, object?> { ["Id"] = feature.Id });

        page.WaitForElement("[data-testid=edit-weights-Production]").Click();
        Host.WaitForElement("[data-testid=weight-1]");
        TextInput(Host, "weight-1").Input("70");

        Host.WaitForAssertion(() => Assert.Contains("The weights add up to 120 %", Host.Find("[data-testid=weights-error]").TextContent));
        Host.Find("form#weights-form").Submit();
        Assert.Equal([50.0, 40.0], (await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1])).Weights.OrderBy(w => w.ExternalId).Select(w => w.Percentage));

        TextInput(Host, "weight-1").Input("20");
        Host.Find("form#weights-form").Submit();

        page.WaitForAssertion(() => Assert.Equal("20 %", page.Find("[data-testid=weight-Production-green]").TextContent));
        Assert.Equal([50.0, 20.0], (await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[1])).Weights.OrderBy(w => w.ExternalId).Select(w => w.Percentage));
        Assert.Equal([50.0, 40.0], (await Core.DefaultStateAsync(feature.Id, project.EnvironmentIds[0])).Weights.OrderBy(w => w.ExternalId).Select(w => w.Percentage));
    }
}
