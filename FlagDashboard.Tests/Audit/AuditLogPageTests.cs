using Bunit;
using FlagDashboard.Audit;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Audit;

/// <summary>The audit log page's filters over the real audit log of a real SQLite file.</summary>
public sealed class AuditLogPageTests : BunitContext, IAsyncLifetime
{
    private CoreServices _core = null!;
    private SeededProject _seeded = null!;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.CreateAsync("ann");
        _seeded = await _core.SeedProjectAsync("Development");
        await _core.Features.CreateAsync(_seeded.ProjectId, new FeatureInput("banner"), Token);
        _core.Clock.Advance(TimeSpan.FromDays(3));
        await _core.As("bob").Segments.CreateAsync(_seeded.ProjectId, new SegmentInput("beta", null, []), Token);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(_core.Audit);
        Services.AddSingleton(_core.Access);
        var selection = new DashboardSelection();
        selection.Select(_seeded.ProjectId, _seeded.EnvironmentIds[0]);
        Services.AddSingleton(selection);
        Render<MudPopoverProvider>();
    }

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _core.DisposeAsync();
    }

    [Fact]
    public async Task ThePersonAndEntityFiltersNarrowTheLog()
    {
        var cut = Render<AuditLogPage>();
        cut.WaitForElement("[data-testid=audit-table]");
        Assert.Contains("Created segment", cut.Find("[data-testid=audit-table]").TextContent);
        Assert.Contains("Created feature", cut.Find("[data-testid=audit-table]").TextContent);

        await Choose<string>(cut, "audit-actor", "bob");
        cut.WaitForAssertion(() => Assert.Equal(["Created segment"], ActionsShown(cut)));

        await Choose<string?>(cut, "audit-actor", null);
        await Choose<string>(cut, "audit-entity", "Feature");
        cut.WaitForAssertion(() => Assert.Equal(["Created feature"], ActionsShown(cut)));
    }

    [Fact]
    public async Task TheDateFilterKeepsTheChangesOfTheChosenDays()
    {
        var cut = Render<AuditLogPage>();
        cut.WaitForElement("[data-testid=audit-table]");
        var segmentDay = _core.Clock.GetUtcNow().ToLocalTime().Date;

        await cut.InvokeAsync(() => cut.FindComponents<MudDatePicker>()[0].Instance.DateChanged.InvokeAsync(segmentDay));
        cut.WaitForAssertion(() => Assert.Equal(["Created segment"], ActionsShown(cut)));

        await cut.InvokeAsync(() => cut.FindComponents<MudDatePicker>()[0].Instance.DateChanged.InvokeAsync(null));
        await cut.InvokeAsync(() => cut.FindComponents<MudDatePicker>()[1].Instance.DateChanged.InvokeAsync(segmentDay.AddDays(-1)));
        cut.WaitForAssertion(() =>
        {
            Assert.DoesNotContain("Created segment", ActionsShown(cut));
            Assert.Contains("Created feature", ActionsShown(cut));
        });
    }

    [Fact]
    public async Task AnEntryOpensToShowItsDiff()
    {
        var cut = Render<AuditLogPage>();
        await cut.WaitForElement("[data-testid=audit-expand]").ClickAsync(new());

        var diff = cut.WaitForElement("[data-testid=audit-diff]");
        Assert.Contains("beta", diff.TextContent);
        Assert.All(cut.FindAll("[data-testid=diff-line]"), line => Assert.Equal("added", line.GetAttribute("data-kind")));
    }

    private static List<string> ActionsShown(IRenderedComponent<AuditLogPage> cut) =>
        cut.FindAll("[data-testid=audit-table] tbody tr").Select(r => r.Children.Length > 3 ? r.Children[3].TextContent.Trim() : "").Where(t => t.Length > 0).ToList();

    private static Task Choose<T>(IRenderedComponent<AuditLogPage> cut, string testId, string? value)
    {
        var select = cut.FindComponents<MudSelect<string>>().Single(s => s.Markup.Contains($"data-testid=\"{testId}\"", StringComparison.Ordinal));
        return cut.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(value));
    }
}
