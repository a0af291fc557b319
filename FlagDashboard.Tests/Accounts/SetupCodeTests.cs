using System.Net;
using System.Text.RegularExpressions;

namespace FlagDashboard.Tests.Accounts;

/// <summary>
/// Until the first admin exists, /setup asks for the one-time code the app printed in its log at start, so that
/// whoever reaches the port first cannot make themselves admin.
/// </summary>
public sealed partial class SetupCodeTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheSetUpPageRefusesAWrongCodeAndCreatesTheAdminWithTheLoggedOne()
    {
        await using var app = await AppProcess.StartAsync();
        var code = app.SetupCode;
        using var client = app.CreateClient();

        var refused = await PostSetupAsync(client, WrongCodeFor(code));
        var stillOpen = await client.GetAsync("", Cancel);

        Assert.Equal(HttpStatusCode.OK, refused.StatusCode);
        Assert.Contains("data-testid=\"setup-error\"", await refused.Content.ReadAsStringAsync(Cancel), StringComparison.Ordinal);
        Assert.Equal("/setup", new Uri(app.BaseAddress, stillOpen.Headers.Location!).AbsolutePath);

        // Typed as a person might: lower case, without the dashes.
        var accepted = await PostSetupAsync(client, code.Replace("-", "", StringComparison.Ordinal).ToLowerInvariant());

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        Assert.Equal("/", new Uri(app.BaseAddress, accepted.Headers.Location!).AbsolutePath);
        await DashboardSession.SignInAsync(app, "first@example.com", "a-long-enough-password", Cancel);
    }

    [Fact]
    public async Task NoCodeIsPrintedWhenConfigurationCreatedTheFirstAdmin()
    {
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Admin__Email"] = "configured@example.com",
            ["Admin__Password"] = "a-long-enough-password",
        });

        Assert.DoesNotContain("set-up code", app.Log, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => app.SetupCode);
    }

    private static string WrongCodeFor(string code) => (code[0] == 'A' ? 'B' : 'A') + code[1..];

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string code)
    {
        var page = await client.GetStringAsync("setup", Cancel);
        var token = WebUtility.HtmlDecode(AntiforgeryToken().Match(page).Groups[1].Value);
        return await client.PostAsync("setup", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["_handler"] = "setup",
            ["__RequestVerificationToken"] = token,
            ["Input.Code"] = code,
            ["Input.Email"] = "first@example.com",
            ["Input.Password"] = "a-long-enough-password",
            ["Input.ConfirmPassword"] = "a-long-enough-password",
        }), Cancel);
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryToken();
}
