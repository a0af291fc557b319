using System.Globalization;
using System.Security.Claims;
using System.Text;
using FlagDashboard.AdminApi;
using FlagDashboard.Core;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Usage;
using FlagDashboard.Organisations;
using Microsoft.AspNetCore.Mvc;

namespace FlagDashboard.Usage;

/// <summary><c>/api/usage/…</c>: the series the charts draw, for automation with an admin API key (its own organisation only).</summary>
public static class UsageApi
{
    public sealed record SeriesResponse(string Window, string Step, string From, string To, IReadOnlyList<LineResponse> Series, long Total);

    public sealed record LineResponse(string Key, IReadOnlyList<object[]> Points);

    private static readonly Dictionary<string, UsageMetric> Metrics = new() { ["api_calls"] = UsageMetric.ApiCalls, ["flag_evaluations"] = UsageMetric.FlagEvaluations };
    private static readonly Dictionary<string, UsageScope> Scopes = new() { ["organisation"] = UsageScope.Organisation, ["project"] = UsageScope.Project, ["environment"] = UsageScope.Environment, ["feature"] = UsageScope.Feature };
    private static readonly Dictionary<string, UsageGrouping> Groupings = new() { ["none"] = UsageGrouping.None, ["resource"] = UsageGrouping.Resource, ["status"] = UsageGrouping.Status, ["environment"] = UsageGrouping.Environment, ["feature"] = UsageGrouping.Feature, ["project"] = UsageGrouping.Project };
    private static readonly Dictionary<string, UsageWindow> Windows = new() { ["1m"] = UsageWindow.OneMinute, ["15m"] = UsageWindow.FifteenMinutes, ["1h"] = UsageWindow.OneHour, ["1d"] = UsageWindow.OneDay };
    private static readonly Dictionary<string, TimeSpan> Steps = UsageSteps.Steps.ToDictionary(UsageWindows.StepLabel);

    public static IEndpointRouteBuilder MapUsageApi(this IEndpointRouteBuilder endpoints)
    {
        var usage = endpoints.MapGroup("/api/usage").RequireAuthorization(AdminApiKeyAuthenticationHandler.PolicyName)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        usage.MapGet("/series", GetSeries).WithName("GetUsageSeries").WithSummary("API calls or flag evaluations over time: 300 to 600 points a line, read from the window that suits the range.")
            .Produces<SeriesResponse>(StatusCodes.Status200OK, "application/json", "text/csv");
        usage.MapGet("/flags", GetFlags).WithName("GetFlagUsage").WithSummary("Each feature's evaluations in a range, most first; unevaluated ones with 0.")
            .Produces<IReadOnlyList<FlagUsage>>(StatusCodes.Status200OK);
        usage.MapGet("/stale-flags", GetStaleFlags).WithName("GetStaleFlags")
            .WithSummary("A project's features with when each was last evaluated per environment, and whether it is stale: unevaluated in every environment for threshold_days (the project's staleFlagDays setting, 30 unless changed), not younger than that, not tagged permanent, not archived. stale=true lists only the stale ones.")
            .Produces<IReadOnlyList<FeatureStaleness>>(StatusCodes.Status200OK);
        usage.MapGet("/organisation", GetOrganisationUsage).WithName("GetOrganisationUsage")
            .WithSummary("The key's organisation's API calls in the period containing 'at' (now by default; a calendar month, UTC) up to now: in all, by project and by environment (each adds up to the total), the last 12 periods, and the 10 most evaluated flags. CSV with format=csv or Accept: text/csv.")
            .Produces<OrganisationUsage>(StatusCodes.Status200OK, "application/json", "text/csv")
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return endpoints;
    }

    private static async Task<IResult> GetOrganisationUsage(HttpContext http, ClaimsPrincipal user, OrganisationUsageService organisationUsage, string? at, string? format)
    {
        var usage = await organisationUsage.ForPeriodAsync(user.KeyOrganisationId(), at is null ? null : Time(at, "at"), http.RequestAborted);
        return WantsCsv(http, format)
            ? TypedResults.Text(UsageCsv.Write(usage), "text/csv", Encoding.UTF8)
            : TypedResults.Ok(usage);
    }

    private static async Task<IResult> GetSeries(
        HttpContext http, ClaimsPrincipal user, UsageQueryService usage, TimeProvider clock,
        string? metric, string? scope, int? id, int? environment, string? from, string? to, string? group, string? window, string? step, string? format)
    {
        var range = Range(from, to, clock.GetUtcNow());
        var parsedMetric = Parse(metric ?? "api_calls", "metric", Metrics);
        var parsedScope = Parse(scope ?? "organisation", "scope", Scopes);
        var parsedGroup = Parse(group ?? "none", "group", Groupings);
        UsageWindow? parsedWindow = window is null ? null : Parse(window, "window", Windows);
        TimeSpan? parsedStep = step is null ? null : Parse(step, "step", Steps);
        if (parsedScope != UsageScope.Organisation && id is null)
        {
            throw new ValidationException("id", $"A {scope} scope needs the id of the {scope}.");
        }

        var series = await usage.SeriesAsync(user.KeyOrganisationId(), new UsageSeriesRequest(parsedMetric, parsedScope, id, environment, range.From, range.To, parsedGroup, parsedWindow, parsedStep), http.RequestAborted);
        return WantsCsv(http, format)
            ? TypedResults.Text(UsageCsv.Write(series), "text/csv", Encoding.UTF8)
            : TypedResults.Ok(new SeriesResponse(series.Window.Label(), UsageWindows.StepLabel(series.Step), Iso(series.From), Iso(series.To),
                series.Series.Select(l => new LineResponse(l.Key, l.Points.Select(p => new object[] { Iso(p.Time), p.Count }).ToList())).ToList(),
                series.Total));
    }

    private static async Task<IResult> GetFlags(HttpContext http, ClaimsPrincipal user, UsageQueryService usage, EnvironmentService environments, TimeProvider clock, string? environment, string? from, string? to)
    {
        var range = Range(from, to, clock.GetUtcNow());
        if (string.IsNullOrEmpty(environment))
        {
            throw new ValidationException("environment", "Give the environment's id or its client key.");
        }

        // An id, or the client key an SDK set-up already has at hand.
        var environmentId = int.TryParse(environment, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
            : (await environments.ResolveKeyAsync(environment, http.RequestAborted))?.EnvironmentId
                ?? throw new ValidationException("environment", "No environment has this id or key.");
        return TypedResults.Ok(await usage.FlagsAsync(user.KeyOrganisationId(), environmentId, range.From, range.To, http.RequestAborted));
    }

    private static async Task<IResult> GetStaleFlags(HttpContext http, StaleFlagService staleFlags, int? project, [FromQuery(Name = "threshold_days")] int? thresholdDays, bool? stale)
    {
        if (project is null)
        {
            throw new ValidationException("project", "Give the project's id.");
        }

        if (thresholdDays is < 1 or > 3650)
        {
            throw new ValidationException("threshold_days", "The threshold is 1 to 3650 days.");
        }

        try
        {
            var flags = await staleFlags.ForProjectAsync(project.Value, thresholdDays is { } days ? TimeSpan.FromDays(days) : null, http.RequestAborted);
            return TypedResults.Ok(stale is { } only ? flags.Where(f => f.IsStale == only).ToList() : flags);
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            // As the other usage routes answer an id outside the key's organisation: a bad parameter, not a hint that it exists.
            throw new ValidationException("project", "No project of this organisation has this id.");
        }
    }

    private static (DateTimeOffset From, DateTimeOffset To) Range(string? from, string? to, DateTimeOffset now)
    {
        var end = to is null ? now : Time(to, "to");
        var start = from is null ? end - TimeSpan.FromHours(24) : Time(from, "from");
        return (start, end);
    }

    private static readonly string[] IsoFormats = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd"];

    private static DateTimeOffset Time(string text, string field) =>
        DateTimeOffset.TryParseExact(text, IsoFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var time)
            ? time
            : throw new ValidationException(field, $"'{text}' is not an ISO 8601 time such as 2026-11-25T10:00:00Z.");

    private static T Parse<T>(string text, string field, Dictionary<string, T> values) =>
        values.TryGetValue(text, out var value)
            ? value
            : throw new ValidationException(field, $"'{text}' is not one of {string.Join(", ", values.Keys)}.");

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static bool WantsCsv(HttpContext http, string? format) =>
        string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase)
        || http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals("text/csv", StringComparison.OrdinalIgnoreCase) && (a.Quality ?? 1) > 0);

}
