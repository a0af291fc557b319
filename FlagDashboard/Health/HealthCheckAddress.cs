using System.Text.RegularExpressions;

namespace FlagDashboard.Health;

/// <summary>
/// Where the healthcheck verb asks: the app's own first listening address, read from the same settings Kestrel reads
/// (<c>Urls</c>, <c>ASPNETCORE_URLS</c>, <c>ASPNETCORE_HTTP_PORTS</c>), so a container run with another port stays healthy.
/// </summary>
internal static partial class HealthCheckAddress
{
    public const string Default = "http://127.0.0.1:5080/health";

    public static string FromEnvironment(Func<string, string?> variable)
    {
        var urls = variable("Urls") ?? variable("URLS") ?? variable("ASPNETCORE_URLS") ?? variable("DOTNET_URLS");
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is not null && ListeningUrl().Match(first) is { Success: true } url)
        {
            var host = url.Groups["host"].Value is "+" or "*" or "0.0.0.0" or "[::]" or "localhost" ? "127.0.0.1" : url.Groups["host"].Value;
            var port = url.Groups["port"].Success ? url.Groups["port"].Value : url.Groups["scheme"].Value == "https" ? "443" : "80";
            return $"{url.Groups["scheme"].Value}://{host}:{port}/health";
        }

        var httpPort = (variable("ASPNETCORE_HTTP_PORTS") ?? variable("HTTP_PORTS"))?.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        return httpPort is not null && int.TryParse(httpPort, out var number) ? $"http://127.0.0.1:{number}/health" : Default;
    }

    [GeneratedRegex(@"^(?<scheme>https?)://(?<host>\[[^\]]*\]|[^:/]+)(:(?<port>\d+))?", RegexOptions.IgnoreCase)]
    private static partial Regex ListeningUrl();
}
