using Bunit;
using FlagDashboard.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Projects;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Audit;

public sealed class AuditDiffTests : BunitContext
{
    public AuditDiffTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
    }

    [Fact]
    public void NestedFieldsAreComparedByPath()
    {
        var lines = AuditDiff.Compare(
            """{"name":"beta","rules":[{"type":"All","conditions":[{"property":"plan","value":"gold"}]}],"tags":["a"]}""",
            """{"name":"beta","rules":[{"type":"Any","conditions":[{"property":"plan","value":"gold"},{"property":"age","value":"18"}]}],"description":"x"}""");

        Assert.Equal(DiffKind.Unchanged, lines.Single(l => l.Path == "name").Kind);
        Assert.Equal(new DiffLine("rules[0].type", "\"All\"", "\"Any\"", DiffKind.Changed), lines.Single(l => l.Path == "rules[0].type"));
        Assert.Equal(DiffKind.Added, lines.Single(l => l.Path == "rules[0].conditions[1].property").Kind);
        Assert.Equal(new DiffLine("tags[0]", "\"a\"", null, DiffKind.Removed), lines.Single(l => l.Path == "tags[0]"));
        Assert.Equal(DiffKind.Added, lines.Single(l => l.Path == "description").Kind);
    }

    [Fact]
    public void ACreationHasOnlyAddedFieldsAndADeletionOnlyRemovedOnes()
    {
        Assert.All(AuditDiff.Compare(null, """{"id":1,"name":"x"}"""), l => Assert.Equal(DiffKind.Added, l.Kind));
        Assert.All(AuditDiff.Compare("""{"id":1,"name":"x"}""", null), l => Assert.Equal(DiffKind.Removed, l.Kind));
        Assert.Empty(AuditDiff.Compare(null, null));
    }

    [Fact]
    public void TheViewShowsChangesAndHidesUnchangedFieldsUnlessAsked()
    {
        var before = """{"id":7,"enabled":false,"value":"\"a\""}""";
        var after = """{"id":7,"enabled":true,"value":"\"a\""}""";

        var cut = Render<AuditDiffView>(p => p.Add(c => c.Before, before).Add(c => c.After, after));

        var line = Assert.Single(cut.FindAll("[data-testid=diff-line]"));
        Assert.Equal("changed", line.GetAttribute("data-kind"));
        Assert.Contains("enabled", line.TextContent);
        Assert.Contains("false", line.TextContent);
        Assert.Contains("true", line.TextContent);
        Assert.Contains("2 unchanged field(s) hidden", cut.Markup);

        cut.Render(p => p.Add(c => c.Before, before).Add(c => c.After, after).Add(c => c.ShowUnchanged, true));
        Assert.Equal(3, cut.FindAll("[data-testid=diff-line]").Count);
    }

    [Fact]
    public void AMissingValueReadsNoValueInTheDiffAsOnEveryPage()
    {
        var before = """{"enabled":false,"value":"null","description":null}""";
        var after = """{"enabled":true,"value":"\"a\"","description":"Checkout"}""";

        var cut = Render<AuditDiffView>(p => p.Add(c => c.Before, before).Add(c => c.After, after));

        var lines = cut.FindAll("[data-testid=diff-line]");
        var value = lines.Single(l => l.QuerySelector("code")!.TextContent == "value");
        var description = lines.Single(l => l.QuerySelector("code")!.TextContent == "description");
        Assert.Contains("no value", value.TextContent);
        Assert.Contains("no value", description.TextContent);
        Assert.DoesNotContain("null", cut.Markup);
    }

    [Fact]
    public async Task ARecordedProjectChangeRendersAsItsDiff()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development");
        var project = await core.Projects.GetAsync(seeded.ProjectId, Token);
        await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Shop online", HideDisabledFlags: true), project.Version, Token);
        var entry = (await core.AuditEntriesAsync()).Last(a => a.EntityType == "Project");

        var cut = Render<AuditDiffView>(p => p.Add(c => c.Before, entry.Before).Add(c => c.After, entry.After));

        var lines = cut.FindAll("[data-testid=diff-line]").Select(l => l.TextContent).ToList();
        Assert.Equal(2, lines.Count);
        Assert.Contains(lines, l => l.Contains("name") && l.Contains("\"Shop\"") && l.Contains("\"Shop online\""));
        Assert.Contains(lines, l => l.Contains("hideDisabledFlags") && l.Contains("false") && l.Contains("true"));
    }
}
