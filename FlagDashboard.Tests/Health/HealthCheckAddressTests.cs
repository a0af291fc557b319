using FlagDashboard.Health;

namespace FlagDashboard.Tests.Health;

public sealed class HealthCheckAddressTests
{
    [Theory]
    [InlineData("Urls", "http://+:5080", "http://127.0.0.1:5080/health")]
    [InlineData("Urls", "http://*:8080;https://*:8443", "http://127.0.0.1:8080/health")]
    [InlineData("ASPNETCORE_URLS", "http://0.0.0.0:9000", "http://127.0.0.1:9000/health")]
    [InlineData("ASPNETCORE_URLS", "http://[::]:9001", "http://127.0.0.1:9001/health")]
    [InlineData("Urls", "http://localhost:5080", "http://127.0.0.1:5080/health")]
    [InlineData("Urls", "http://10.1.2.3:7000", "http://10.1.2.3:7000/health")]
    [InlineData("Urls", "https://+", "https://127.0.0.1:443/health")]
    [InlineData("ASPNETCORE_HTTP_PORTS", "8081;8082", "http://127.0.0.1:8081/health")]
    [InlineData("Unrelated", "x", HealthCheckAddress.Default)]
    public void The_healthcheck_asks_the_address_the_app_listens_on(string variable, string value, string expected) =>
        Assert.Equal(expected, HealthCheckAddress.FromEnvironment(name => name == variable ? value : null));

    [Fact]
    public void Urls_wins_over_the_http_ports_setting() =>
        Assert.Equal("http://127.0.0.1:6000/health", HealthCheckAddress.FromEnvironment(name => name switch
        {
            "Urls" => "http://+:6000",
            "ASPNETCORE_HTTP_PORTS" => "8080",
            _ => null,
        }));
}
