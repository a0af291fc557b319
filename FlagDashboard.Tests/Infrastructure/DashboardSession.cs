using System.Net;
using System.Text.RegularExpressions;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>A person's session over plain HTTP: the sign-in form posted as a browser does, its cookie, sign-out.</summary>
public static partial class DashboardSession
{
    public const string CookieName = ".AspNetCore.Identity.Application";

    /// <summary>Posts the sign-in form; the answer is a redirect on success, the form again otherwise.</summary>
    public static async Task<HttpResponseMessage> PostSignInAsync(HttpClient client, string email, string password, CancellationToken cancellationToken)
    {
        var token = await FormTokenAsync(client, cancellationToken);
        return await client.PostAsync("account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "login",
            ["__RequestVerificationToken"] = token,
            ["Input.Email"] = email,
            ["Input.Password"] = password,
        }), cancellationToken);
    }

    /// <summary>Signs in and returns the session cookie as a <c>Cookie</c> header value.</summary>
    public static async Task<string> SignInAsync(AppProcess app, string email, string password, CancellationToken cancellationToken)
    {
        using var client = app.CreateClient();
        var response = await PostSignInAsync(client, email, password, cancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var cookie = response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        return cookie.Split(';')[0];
    }

    /// <summary>A client that sends the given session cookie, without a cookie jar of its own.</summary>
    public static HttpClient Client(AppProcess app, string cookie)
    {
        var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        client.DefaultRequestHeaders.Add("Cookie", cookie);
        return client;
    }

    /// <summary>Posts the sign-out form with the given session cookie.</summary>
    public static async Task<HttpResponseMessage> SignOutAsync(AppProcess app, string cookie, CancellationToken cancellationToken)
    {
        using var client = Client(app, cookie);
        // The sign-in page renders for a signed-in person too, with an antiforgery token bound to that person.
        var page = await client.GetAsync("account/login", cancellationToken);
        var antiforgeryCookie = page.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".AspNetCore.Antiforgery.", StringComparison.Ordinal)).Split(';')[0];
        var token = Token(await page.Content.ReadAsStringAsync(cancellationToken));
        using var request = new HttpRequestMessage(HttpMethod.Post, "account/logout")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }),
        };
        request.Headers.Add("Cookie", $"{cookie}; {antiforgeryCookie}");
        using var plain = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = app.BaseAddress };
        return await plain.SendAsync(request, cancellationToken);
    }

    private static async Task<string> FormTokenAsync(HttpClient client, CancellationToken cancellationToken) =>
        Token(await client.GetStringAsync("account/login", cancellationToken));

    private static string Token(string html) => WebUtility.HtmlDecode(AntiforgeryToken().Match(html).Groups[1].Value);

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
