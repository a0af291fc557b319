using FlagDashboard.Core.Usage.InfluxDb;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage.InfluxDb;

public sealed class InfluxUsageOptionsTests
{
    private static InfluxUsageOptions Valid() => new() { Url = "https://influx.example.com", Token = "t", Organisation = "acme", Instance = "app-1" };

    [Fact]
    public void TheDefaultsKeepRawForADayAndWindowsForAWeekThreeMonthsAndTwoYears()
    {
        var options = new InfluxUsageOptions();

        Assert.Equal("Usage:InfluxDB", InfluxUsageOptions.SectionName);
        Assert.Equal("flagdashboard", options.BucketPrefix);
        Assert.Equal(
            [TimeSpan.FromDays(1), TimeSpan.FromDays(7), TimeSpan.FromDays(90), TimeSpan.FromDays(730)],
            [options.RawRetention, options.OneMinuteRetention, options.FifteenMinutesRetention, options.OneHourRetention]);
        Assert.True(new InfluxUsageOptionsValidator().Validate(null, Valid()).Succeeded);
    }

    [Theory]
    [InlineData("ftp://influx.example.com", "Usage:InfluxDB:Url must be an absolute http:// or https:// address")]
    [InlineData("localhost:8086", "Usage:InfluxDB:Url must be an absolute http:// or https:// address")]
    public void AnAddressThatIsNotHttpIsRefused(string url, string message)
    {
        var options = Valid();
        options.Url = url;

        var result = new InfluxUsageOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage);
    }

    [Fact]
    public void ARetentionShorterThanAnHourOrThanWhatItsTaskReadsBackIsRefused()
    {
        var options = Valid();
        options.OneHourRetention = TimeSpan.FromMinutes(30);
        options.FifteenMinutesRetention = TimeSpan.FromHours(1);

        var result = new InfluxUsageOptionsValidator().Validate(null, options);

        Assert.Contains("Usage:InfluxDB:OneHourRetention must be whole seconds and at least 1 hour", result.FailureMessage);
        Assert.Contains("Usage:InfluxDB:FifteenMinutesRetention (01:00:00) must be longer than the 01:00:00 its downsampling task reads back", result.FailureMessage);
    }

    [Fact]
    public void MissingRequiredSettingsAreNamedByDataAnnotations()
    {
        var validator = new DataAnnotationValidateOptions<InfluxUsageOptions>(null);

        var result = validator.Validate(null, new InfluxUsageOptions { BucketPrefix = "bad prefix" });

        Assert.Contains("Url", result.FailureMessage);
        Assert.Contains("Token", result.FailureMessage);
        Assert.Contains("Organisation", result.FailureMessage);
        Assert.Contains("BucketPrefix may hold only letters, digits", result.FailureMessage);
    }
}
