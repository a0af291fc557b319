using FlagDashboard.Core.Versions;

namespace FlagDashboard.Tests.Versions;

public sealed class StatesDiffTests
{
    [Fact]
    public void TheDiffNamesEachChangedThingInWords()
    {
        var left = new StatesSnapshot(false, "\"blue\"", [new WeightSnapshot(1, "\"a\"", 50)], [
            new SegmentOverrideSnapshot(7, "beta", 0, true, "null", []),
        ]);
        var right = new StatesSnapshot(true, "\"blue\"", [new WeightSnapshot(1, "\"a\"", 25)], [
            new SegmentOverrideSnapshot(8, "staff", 0, false, "3", []),
            new SegmentOverrideSnapshot(7, "beta", 1, true, "null", []),
        ]);

        var changed = StatesDiff.Compare(left, right).Where(l => l.Changed).Select(l => (l.Label, l.Left, l.Right)).ToList();

        Assert.Equal<(string, string?, string?)>(
            [
                ("Enabled", "off", "on"),
                ("Weight of \"a\"", "50 %", "25 %"),
                ("Segment beta: override", "#1 in order", "#2 in order"),
                ("Segment staff: override", "none", "#1 in order"),
                ("Segment staff: enabled", null, "off"),
                ("Segment staff: value", null, "3"),
            ],
            changed);
    }
}
