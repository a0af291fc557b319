using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlagDashboard.Core.Data;

namespace FlagDashboard.Tests.Hosting;

/// <summary>
/// An e-mail address with NUL or another control character, at /setup, at sign-in, in <c>create-admin</c> and in an
/// invitation, is refused with a message that says why: never a 500 or a stack trace (PostgreSQL refuses NUL in text).
/// </summary>
public sealed partial class EmailControlCharacterTests
{
    private const string Message = "may not contain control characters";

    private static readonly string[] Emails = ["first\0@example.com", "fi\u0001rst@example.com", "first\n@example.com", "first\u001b[2J@example.com"];

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(DatabaseProvider.Sqlite)]
    [InlineData(DatabaseProvider.Postgres)]
    public async Task EveryWayInRefusesAnEmailWithAControlCharacterByName(DatabaseProvider provider)
    {
        await using var database = provider == DatabaseProvider.Postgres ? await TestDatabase.CreateAsync(DatabaseProvider.Postgres, migrate: false) : null;
        var settings = new Dictionary<string, string>();
        if (database is not null)
        {
            settings["Database__Provider"] = nameof(DatabaseProvider.Postgres);
            settings["ConnectionStrings__FlagDashboard"] = database.ConnectionString;
        }

        await using var app = await AppProcess.StartAsync(settings);
        using var client = app.CreateClient();
        foreach (var email in Emails)
        {
            await AssertRefusedAsync(await PostSetupAsync(client, app.SetupCode, email), email);

            var created = await app.RunVerbAsync("create-admin", "--email", email.Replace("\0", "\u0002", StringComparison.Ordinal), "--password", "a-long-enough-password");
            Assert.Equal(1, created.ExitCode);
            Assert.Contains(Message, created.Error, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", created.Error, StringComparison.Ordinal);
        }

        Assert.Equal(0, (await app.RunVerbAsync("create-admin", "--email", "first@example.com", "--password", "a-long-enough-password")).ExitCode);
        foreach (var email in Emails)
        {
            await AssertRefusedAsync(await DashboardSession.PostSignInAsync(client, email, "a-long-enough-password", Cancel), email);
        }

        var key = (await app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "invitations")).Output.Trim().Split('\n')[^1].Trim();
        using var api = app.CreateClient();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Api-Key", key);
        foreach (var email in (string[])["\"a\0b\"@example.com", "\"a\u0001b\"@example.com", .. Emails])
        {
            var invited = await api.PostAsJsonAsync("api/admin/invitations", new { email, role = "Member" }, Cancel);
            var body = await invited.Content.ReadAsStringAsync(Cancel);
            Assert.True(invited.StatusCode == HttpStatusCode.BadRequest, $"{Regex.Escape(email)}: {(int)invited.StatusCode} {body}");
            Assert.Contains("\"email\"", body, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Unhandled exception", app.Log, StringComparison.Ordinal);
        Assert.DoesNotContain("22021", app.Log, StringComparison.Ordinal);
    }

    /// <summary>
    /// NUL is refused before the page runs (ASP.NET Core's form reader will not take it), naming the field; any other
    /// control character by the form's own check, the form shown again with the message at the field.
    /// </summary>
    private static async Task AssertRefusedAsync(HttpResponseMessage response, string email)
    {
        var body = await response.Content.ReadAsStringAsync(Cancel);
        if (email.Contains('\0', StringComparison.Ordinal))
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("The form field 'Input.Email' contains a NUL character", body, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(Message, body, StringComparison.Ordinal);
        }
    }

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string code, string email)
    {
        var page = await client.GetStringAsync("setup", Cancel);
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        return await client.PostAsync("setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup",
            ["__RequestVerificationToken"] = token,
            ["Input.Code"] = code,
            ["Input.Email"] = email,
            ["Input.Password"] = "a-long-enough-password",
            ["Input.ConfirmPassword"] = "a-long-enough-password",
        }), Cancel);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
