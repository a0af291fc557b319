using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlagDashboard.Health;

/// <summary>
/// <c>/health/detail</c>: every check with its status, description and data (the engine's counters among
/// them) as JSON, beside <c>/health</c>, which stays the one word that probes read. No exception text is
/// written: the endpoint is anonymous.
/// </summary>
internal static class HealthDetail
{
    public const string Path = "/health/detail";

    public static IEndpointRouteBuilder MapHealthDetail(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();
        return endpoints;
    }

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        using var writer = new Utf8JsonWriter(context.Response.BodyWriter);
        writer.WriteStartObject();
        writer.WriteString("status", report.Status.ToString());
        writer.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            writer.WriteStartObject(name);
            writer.WriteString("status", entry.Status.ToString());
            if (entry.Description is { } description)
            {
                writer.WriteString("description", description);
            }

            if (entry.Data.Count > 0)
            {
                writer.WriteStartObject("data");
                foreach (var (key, value) in entry.Data)
                {
                    if (value is long or int)
                    {
                        writer.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        writer.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
                    }
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.Flush();
        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
