using System.Globalization;
using System.Text;
using FlagDashboard.Core.Usage;

namespace FlagDashboard.Usage;

/// <summary>Usage as CSV, for the API's <c>format=csv</c> and the pages' downloads.</summary>
public static class UsageCsv
{
    public static string Write(UsageSeries series)
    {
        var csv = new StringBuilder("time,key,count\n");
        foreach (var line in series.Series)
        {
            foreach (var point in line.Points)
            {
                csv.Append(point.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)).Append(',')
                    .Append(CsvField(line.Key)).Append(',').Append(point.Count.ToString(CultureInfo.InvariantCulture)).Append('\n');
            }
        }

        return csv.ToString();
    }

    /// <summary>
    /// An organisation's period as <c>section,id,name,from,to,count</c> rows: the total, then each project, environment,
    /// period of the trend and top flag (their counts are API calls, evaluations for the flags).
    /// </summary>
    public static string Write(OrganisationUsage usage)
    {
        var csv = new StringBuilder("section,id,name,from,to,count\n");
        void Row(string section, int? id, string name, DateTimeOffset from, DateTimeOffset to, long count) =>
            csv.Append(section).Append(',').Append(id?.ToString(CultureInfo.InvariantCulture)).Append(',').Append(CsvField(name)).Append(',')
                .Append(Iso(from)).Append(',').Append(Iso(to)).Append(',').Append(count.ToString(CultureInfo.InvariantCulture)).Append('\n');

        Row("total", usage.OrganisationId, usage.OrganisationName, usage.From, usage.AsOf, usage.ApiCalls);
        foreach (var project in usage.Projects)
        {
            Row("project", project.ProjectId, project.Name, usage.From, usage.AsOf, project.ApiCalls);
        }

        foreach (var environment in usage.Environments)
        {
            Row("environment", environment.EnvironmentId, environment.ProjectName.Length == 0 ? environment.Name : $"{environment.ProjectName} / {environment.Name}", usage.From, usage.AsOf, environment.ApiCalls);
        }

        foreach (var period in usage.Trend)
        {
            Row("period", null, period.From.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), period.From, Min(period.To, usage.AsOf), period.ApiCalls);
        }

        foreach (var flag in usage.TopFlags)
        {
            Row("flag", flag.FeatureId, flag.ProjectName is null ? flag.Name : $"{flag.ProjectName} / {flag.Name}", usage.From, usage.AsOf, flag.Evaluations);
        }

        return csv.ToString();
    }

    private static string Iso(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // Feature names may hold commas or quotes; a formula-looking name is prefixed so spreadsheets do not run it.
    private static string CsvField(string value)
    {
        if (value.Length > 0 && "=+-@\t\r".Contains(value[0]))
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\n\r") >= 0 ? $"\"{value.Replace("\"", "\"\"")}\"" : value;
    }
}
