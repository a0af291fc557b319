using System.Globalization;
using Microsoft.AspNetCore.Localization;

namespace FlagDashboard.Components.Shared;

/// <summary>The languages the dashboard writes dates and numbers in, chosen by the browser's Accept-Language.</summary>
public static class DashboardCultures
{
    /// <summary>Day first, 24-hour clock: what a browser asking for no supported language gets.</summary>
    public const string Default = "en-GB";

    /// <summary>
    /// Every language and region whose calendar is the Gregorian one (so en-AU and de-AT get their own formats, and
    /// a region not listed falls back to its language), but none that counts years otherwise (Thai Buddhist, Hijri,
    /// Persian): the audit log's date pickers and filters read dates as Gregorian.
    /// </summary>
    public static IList<CultureInfo> Supported { get; } =
    [
        .. CultureInfo.GetCultures(CultureTypes.SpecificCultures | CultureTypes.NeutralCultures)
            .Where(c => c.Name.Length > 0 && c.Calendar is GregorianCalendar)
            .OrderBy(c => c.Name, StringComparer.Ordinal),
    ];

    public static void Configure(RequestLocalizationOptions options)
    {
        options.SupportedCultures = Supported;
        options.SupportedUICultures = Supported;
        options.DefaultRequestCulture = new RequestCulture(Default);
    }
}
