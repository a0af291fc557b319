using FlagDashboard.Components.Shared;
using Microsoft.AspNetCore.Builder;

namespace FlagDashboard.Tests.Hosting;

public sealed class DashboardCulturesTests
{
    [Theory]
    [InlineData("en-GB")]
    [InlineData("en-US")]
    [InlineData("en-AU")]
    [InlineData("de")]
    [InlineData("de-DE")]
    [InlineData("fr-CA")]
    [InlineData("ja-JP")]
    public void LanguagesAndRegionsOnTheGregorianCalendarAreSupported(string name)
    {
        Assert.Contains(DashboardCultures.Supported, c => c.Name == name);
    }

    [Theory]
    [InlineData("th-TH")]
    [InlineData("ar-SA")]
    [InlineData("fa-IR")]
    [InlineData("")]
    public void CalendarsThatCountYearsOtherwiseAndTheInvariantCultureAreNot(string name)
    {
        Assert.DoesNotContain(DashboardCultures.Supported, c => c.Name == name);
    }

    [Fact]
    public void ABrowserAskingForNoSupportedLanguageGetsDayFirstDates()
    {
        var options = new RequestLocalizationOptions();
        DashboardCultures.Configure(options);

        Assert.Equal("en-GB", options.DefaultRequestCulture.Culture.Name);
        Assert.StartsWith("dd/MM", options.DefaultRequestCulture.Culture.DateTimeFormat.ShortDatePattern, StringComparison.Ordinal);
    }
}
