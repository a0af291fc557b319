using FlagDashboard.Usage;

namespace FlagDashboard.Tests.Usage;

public sealed class UsageRangePresetTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 12, 0, 0, TimeSpan.Zero);
    private static readonly UsageRangePreset SevenDays = UsagePage.Presets.Single(p => p.Id == "7d");

    [Fact]
    public void TheFeatureChartOffersTheUsagePagesRanges()
    {
        Assert.Equal(UsagePage.Presets.Select(p => (p.Id, p.Name, p.Length)), FeatureEvaluationChart.Presets.Select(p => (p.Id, p.Name, p.Length)));
    }

    [Theory]
    [InlineData(5, "1h")]
    [InlineData(60, "1h")]
    [InlineData(61, "6h")]
    [InlineData(3 * 60, "6h")]
    [InlineData(20 * 60, "24h")]
    [InlineData(3 * 24 * 60, "7d")]
    [InlineData(200 * 24 * 60, "90d")]
    public void TheFeatureChartOpensOnTheShortestRangeThatHoldsTheOldestEvaluation(int minutesAgo, string expected)
    {
        var preset = FeatureEvaluationChart.FittingPreset(UsagePage.Presets, Now, Now.AddMinutes(-minutesAgo), SevenDays);

        Assert.Equal(expected, preset.Id);
    }

    [Fact]
    public void WithNoEvaluationsTheFeatureChartOpensOnSevenDays()
    {
        Assert.Equal("7d", FeatureEvaluationChart.FittingPreset(UsagePage.Presets, Now, null, SevenDays).Id);
    }

    [Theory]
    [InlineData("flags", "Flag requests")]
    [InlineData("identities", "Identity requests")]
    [InlineData("analytics", "Evaluation reports")]
    [InlineData("environment_document", "Environment document requests")]
    public void TheUsageLegendNamesResourcesInPeoplesWords(string tag, string name)
    {
        Assert.Equal(name, UsagePage.ResourceName(tag));
    }
}
