using System.Globalization;
using System.Text;
using FlagDashboard.Core.Usage;

namespace FlagDashboard.Usage;

/// <summary>A series as <c>time,key,count</c> rows, for <c>/api/usage/series?format=csv</c> and the page's download.</summary>
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
