using Bunit;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Tests.Components;

public sealed class ValueTextTests : BunitContext
{
    [Fact]
    public void AMissingValueReadsNoValueAndNeverNull()
    {
        var plain = Render<ValueText>(p => p.Add(c => c.Value, FlagValue.None).Add(c => c.TestId, "value"));
        var json = Render<ValueText>(p => p.Add(c => c.Value, FlagValue.FromJson("null")).Add(c => c.Json, true).Add(c => c.TestId, "value"));

        foreach (var cut in new[] { plain, json })
        {
            var shown = cut.Find("[data-testid=value]");
            Assert.Equal("no value", shown.TextContent);
            Assert.Equal("true", shown.GetAttribute("data-no-value"));
            Assert.Empty(cut.FindAll("code"));
        }
    }

    [Fact]
    public void AValueIsCodeAsTextOrAsAJsonLiteral()
    {
        var plain = Render<ValueText>(p => p.Add(c => c.Value, FlagValue.FromString("1")));
        var json = Render<ValueText>(p => p.Add(c => c.Value, FlagValue.FromString("1")).Add(c => c.Json, true));
        var number = Render<ValueText>(p => p.Add(c => c.Value, FlagValue.FromInteger(1)).Add(c => c.Json, true));

        Assert.Equal("1", plain.Find("code").TextContent);
        Assert.Equal("\"1\"", json.Find("code").TextContent);
        Assert.Equal("1", number.Find("code").TextContent);
    }
}
