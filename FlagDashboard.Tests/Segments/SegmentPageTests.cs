using Bunit;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Segments;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Segments;

/// <summary>The segment page over the real Core services and a real SQLite file.</summary>
public sealed class SegmentPageTests : BunitContext, IAsyncLifetime
{
    private CoreServices _core = null!;
    private SeededProject _seeded = null!;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.CreateAsync("ann");
        _seeded = await _core.SeedProjectAsync("Development");
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_core.Segments);
        Services.AddSingleton(_core.Access);
        Services.AddSingleton(_core.Features);
        var selection = new DashboardSelection();
        selection.Select(_seeded.ProjectId, _seeded.EnvironmentIds[0]);
        Services.AddSingleton(selection);
        Render<MudPopoverProvider>();
        Render<MudSnackbarProvider>();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task SavingOverSomeoneElsesChangeShowsAConflictAndKeepsTheirs()
    {
        var segment = await _core.Segments.CreateAsync(_seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        var cut = Render<SegmentPage>(p => p.Add(c => c.Id, segment.Id));
        cut.WaitForElement("input[data-testid=segment-name]");

        await _core.As("bob").Segments.UpdateAsync(segment.Id, new SegmentInput("beta testers", null, []), segment.Version, Token);
        cut.Find("input[data-testid=segment-name]").Change("beta users");
        await cut.Find("[data-testid=save-segment]").ClickAsync(new());

        Assert.Contains("changed by someone else", cut.WaitForElement("[data-testid=segment-conflict]").TextContent);
        Assert.Equal("beta testers", (await _core.Segments.GetAsync(segment.Id, Token)).Name);
    }

    [Fact]
    public async Task AnInvalidRuleIsRefusedWithTheMessageNextToItsCondition()
    {
        var segment = await _core.Segments.CreateAsync(_seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        var cut = Render<SegmentPage>(p => p.Add(c => c.Id, segment.Id));
        cut.WaitForElement("[data-testid=add-rule]").Click();
        cut.WaitForElement("input[data-testid=condition-property]").Change("version");
        cut.Find("input[data-testid=condition-value]").Change("two");
        cut.Find("input[data-testid=condition-semver]").Change(true);

        await cut.Find("[data-testid=save-segment]").ClickAsync(new());

        cut.WaitForAssertion(() => Assert.Contains("'two' is not a semantic version", cut.Find("[data-path='rules[0].conditions[0]']").TextContent));
        Assert.Empty((await _core.Segments.GetAsync(segment.Id, Token)).Rules);
    }

    [Fact]
    public async Task TheTestPanelShowsTheSegmentsAnIdentityMatchesAndTheOverrideItGets()
    {
        var feature = await _core.Features.CreateAsync(_seeded.ProjectId, new FeatureInput("banner", InitialValue: FlagValue.FromString("plain")), Token);
        var segment = await _core.Segments.CreateAsync(_seeded.ProjectId, new SegmentInput("adults", null,
            [new SegmentRule { Conditions = [new Condition { Property = "age", Operator = Operators.GreaterThanInclusive, Value = "18" }] }]), Token);
        await _core.Segments.CreateOverrideAsync(_seeded.EnvironmentIds[0], feature.Id, segment.Id, true, FlagValue.FromString("grown-up"), Token);
        var cut = Render<SegmentPage>(p => p.Add(c => c.Id, segment.Id));
        cut.WaitForElement("[data-testid=test-evaluate]");
        var panel = cut.FindComponent<IdentityTestPanel>();

        panel.Find("input[data-testid=test-trait-key]").Change("age");
        await panel.InvokeAsync(() => panel.FindComponent<MudToggleGroup<FlagValueType>>().Instance.ValueChanged.InvokeAsync(FlagValueType.Integer));
        panel.Find("input[data-testid=value-text]").Input("21");
        await panel.Find("[data-testid=test-evaluate]").ClickAsync(new());

        panel.WaitForAssertion(() => Assert.Contains("adults", panel.Find("[data-testid=test-matched-segments]").TextContent));
        var row = panel.FindAll("[data-testid=test-flags] tbody tr").Single().TextContent;
        Assert.Contains("\"grown-up\"", row);
        Assert.Contains("TARGETING_MATCH; segment=adults", row);
        cut.WaitForAssertion(() => Assert.Contains("banner", cut.Find("[data-testid=segment-overrides-table]").TextContent));
    }
}
