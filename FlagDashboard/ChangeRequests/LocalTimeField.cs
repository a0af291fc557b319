using System.Globalization;

namespace FlagDashboard.ChangeRequests;

/// <summary>
/// The text of a browser's <c>datetime-local</c> field: a time without a zone, read as local time on this
/// server, as the dashboard shows times.
/// </summary>
public static class LocalTimeField
{
    private static readonly string[] Formats = ["yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss"];

    public static bool TryParse(string? text, out DateTimeOffset at)
    {
        at = default;
        if (!DateTime.TryParseExact(text, Formats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeLocal, out var local))
        {
            return false;
        }

        at = new DateTimeOffset(local);
        return true;
    }

    public static string Format(DateTimeOffset at) => at.ToLocalTime().ToString(Formats[0], CultureInfo.InvariantCulture);
}
