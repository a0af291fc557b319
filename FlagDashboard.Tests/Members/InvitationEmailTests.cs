using System.Globalization;
using System.Net;
using FlagDashboard.Tests.AdminApi;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Members;

public sealed class InvitationEmailTests
{
    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnInvitationIsAlsoEmailedWhenAMailServerIsConfigured()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var app = await AppProcess.StartAsync(new Dictionary<string, string>
        {
            ["Email__Smtp__Host"] = "127.0.0.1",
            ["Email__Smtp__Port"] = smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Email__Smtp__From"] = "flags@example.com",
            ["Email__Smtp__EnableSsl"] = "false",
        });
        Assert.Equal(0, (await app.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", ImportedEnvironment.SamplePath)).ExitCode);
        var key = (await app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "mail")).Output.Trim().Split('\n')[^1].Trim();
        using var api = app.CreateClient();
        api.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {key}");

        var created = await api.SendOkAsync(HttpMethod.Post, "api/admin/invitations", new { email = "vic@example.com" }, HttpStatusCode.Created);

        Assert.True(created["emailed"]!.GetValue<bool>(), created.ToJsonString());
        var mail = await smtp.NextMessageAsync();
        Assert.Equal(("flags@example.com", "vic@example.com"), (mail.From, Assert.Single(mail.To)));
        Assert.Contains("Acme", mail.Subject, StringComparison.Ordinal);
        Assert.Contains(created.Str("link"), mail.Body, StringComparison.Ordinal);
        Assert.Contains("api-key:mail invited you", mail.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AMailServerWithoutAFromAddressStopsTheAppAtStartNamingTheSetting()
    {
        var dataDirectory = Path.Combine(Path.GetTempPath(), $"members-smtp-{Guid.NewGuid():N}");
        CommandResult result;
        try
        {
            result = await CommandResult.RunAsync(AppPaths.AppAssembly, ["--urls", "http://127.0.0.1:0"], new Dictionary<string, string>
            {
                ["Database__DataDirectory"] = dataDirectory,
                ["Email__Smtp__Host"] = "127.0.0.1",
            });
        }
        finally
        {
            if (Directory.Exists(dataDirectory))
            {
                Directory.Delete(dataDirectory, recursive: true);
            }
        }

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("Email:Smtp:From", result.Output + result.Error, StringComparison.Ordinal);
    }
}
