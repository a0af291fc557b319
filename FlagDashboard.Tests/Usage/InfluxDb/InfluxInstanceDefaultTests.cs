using FlagDashboard.Core.Data;
using FlagDashboard.Core.Usage.InfluxDb;
using FlagDashboard.Usage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Usage.InfluxDb;

/// <summary>The default <c>instance</c> tag: made once per install and kept in the data directory; an explicit setting wins.</summary>
public sealed class InfluxInstanceDefaultTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));

    [Fact]
    public void TheDefaultIsMadeOnceAndIsTheSameAfterARestartWhateverTheHostname()
    {
        var first = Options(_directory).Instance;
        var afterRestart = Options(_directory).Instance;
        var otherInstall = Options(Path.Combine(_directory, "other")).Instance;

        Assert.StartsWith(Environment.MachineName + "-", first, StringComparison.Ordinal);
        Assert.Equal(first, afterRestart);
        Assert.Equal(first, File.ReadAllText(Path.Combine(_directory, InfluxInstanceDefault.FileName)).Trim());
        Assert.NotEqual(first, otherInstall);
    }

    [Fact]
    public void AnExplicitSettingSuchAsAStatefulSetsPodNameWinsAndNothingIsWritten()
    {
        var options = Options(_directory, instance: "flagdashboard-1");

        Assert.Equal("flagdashboard-1", options.Instance);
        Assert.False(File.Exists(Path.Combine(_directory, InfluxInstanceDefault.FileName)));
    }

    [Fact]
    public async Task ProcessesStartingAtOnceOnOneDataDirectoryAgreeOnOneName()
    {
        var names = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => InfluxInstanceDefault.ReadOrCreate(_directory), TestContext.Current.CancellationToken)));

        Assert.Single(names.Distinct());
        Assert.Equal([InfluxInstanceDefault.FileName], Directory.GetFiles(_directory).Select(Path.GetFileName));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    /// <summary>The options as the app binds them at start (its own registrations), from these settings.</summary>
    private static InfluxUsageOptions Options(string dataDirectory, string? instance = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:DataDirectory"] = dataDirectory,
            ["Usage:Store"] = "InfluxDB",
            ["Usage:InfluxDB:Url"] = "http://127.0.0.1:8086",
            ["Usage:InfluxDB:Token"] = "t",
            ["Usage:InfluxDB:Organisation"] = "acme",
            ["Usage:InfluxDB:Instance"] = instance,
        }).Build();
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName);
        services.AddUsage(configuration);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<InfluxUsageOptions>>().Value;
    }
}
