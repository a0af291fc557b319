using FlagDashboard.Core.Access;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Members;
using FlagDashboard.Tests.Infrastructure;
using FlagDashboard.Tests.Members;
using FlagDashboard.UsageLimits;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.UsageLimits;

public sealed class UsageAlertEmailTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EachThresholdReachedIsEmailedToTheOrganisationsOwnersOnlyThroughTheMailServer()
    {
        await using var smtp = await SmtpSink.StartAsync();
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        await Access.MembersServiceTests.AddPersonAsync(core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        await Access.MembersServiceTests.AddPersonAsync(core, "otto@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        await Access.MembersServiceTests.AddPersonAsync(core, "vic@example.com", seeded.OrganisationId, OrganisationRole.Member);
        await UsageAlertCheckerTests.SetAllowanceAsync(core, seeded.OrganisationId, 1000);
        core.Clock.Advance(TimeSpan.FromSeconds(30));
        var store = UsageAlertCheckerTests.Store(core.Database, core.Clock);
        var checker = new UsageAlertChecker(core.Database, store, core.Clock);
        var sender = new SmtpSender(Options.Create(new SmtpOptions { Host = "127.0.0.1", Port = smtp.Port, From = "flags@example.com", EnableSsl = false }));
        var email = new UsageAlertEmail(sender, checker, NullLogger<UsageAlertEmail>.Instance);
        await UsageAlertCheckerTests.RecordCallsAsync(store, core.Clock, seeded, 920);

        // As the monitor does on each tick: every threshold this check recorded is emailed.
        var reached = await checker.CheckAsync(Token);
        foreach (var threshold in reached)
        {
            await email.SendAsync(threshold, Token);
        }

        Assert.Equal([75, 90], reached.Select(r => r.Threshold));
        var mails = new[] { await smtp.NextMessageAsync(), await smtp.NextMessageAsync() };
        Assert.All(mails, mail =>
        {
            Assert.Equal("flags@example.com", mail.From);
            Assert.Equal(["olga@example.com", "otto@example.com"], mail.To.Order(StringComparer.Ordinal));
            Assert.Contains("920 API calls", mail.Body, StringComparison.Ordinal);
            Assert.Contains("allowance of 1,000", mail.Body, StringComparison.Ordinal);
            Assert.Contains("2026-03-01 to 2026-04-01", mail.Body, StringComparison.Ordinal);
        });
        var organisationName = reached[0].OrganisationName;
        Assert.Equal([$"{organisationName} has used 75 % of its API calls this period", $"{organisationName} has used 90 % of its API calls this period"], mails.Select(m => m.Subject).Order(StringComparer.Ordinal));
    }
}
