using System.Net;
using System.Text.RegularExpressions;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Members;

/// <summary>An invitation link used over plain HTTP, as a browser posts its form.</summary>
public static partial class InvitationLink
{
    /// <summary>Opens the link's page and posts its form with the password; answers the response (a redirect home when accepted) and the new session cookie, if any.</summary>
    public static async Task<(HttpResponseMessage Response, string? Cookie)> AcceptAsync(AppProcess app, string link, string password, CancellationToken cancellationToken)
    {
        using var client = app.CreateClient();
        var page = await client.GetStringAsync(link, cancellationToken);
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        var response = await client.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "accept-invitation",
            ["__RequestVerificationToken"] = token,
            ["Input.Password"] = password,
            ["Input.ConfirmPassword"] = password,
        }), cancellationToken);
        var cookie = response.Headers.TryGetValues("Set-Cookie", out var cookies)
            ? cookies.FirstOrDefault(c => c.StartsWith(DashboardSession.CookieName + "=", StringComparison.Ordinal))?.Split(';')[0]
            : null;
        return (response, cookie);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
