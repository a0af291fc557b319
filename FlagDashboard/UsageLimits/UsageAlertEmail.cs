using System.Globalization;
using System.Net.Mail;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Members;

namespace FlagDashboard.UsageLimits;

/// <summary>Tells an organisation's Owners that a threshold was reached, when a mail server is configured.</summary>
internal sealed class UsageAlertEmail(SmtpSender smtp, UsageAlertChecker checker, ILogger<UsageAlertEmail> logger)
{
    public async Task SendAsync(ReachedThreshold reached, CancellationToken cancellationToken)
    {
        if (!smtp.IsConfigured)
        {
            return;
        }

        var owners = await checker.OwnerEmailsAsync(reached.OrganisationId, cancellationToken);
        if (owners.Count == 0)
        {
            return;
        }

        using var message = new MailMessage { From = new MailAddress(smtp.From), Subject = Subject(reached), Body = Body(reached) };
        foreach (var owner in owners)
        {
            message.Bcc.Add(owner);
        }

        try
        {
            await smtp.SendAsync(message, cancellationToken);
        }
        catch (Exception exception) when (exception is SmtpException or InvalidOperationException or IOException or FormatException)
        {
            logger.LogWarning(exception, "Could not email the {Threshold} % usage alert of organisation {OrganisationId}; the webhook event and the audit entry stand.", reached.Threshold, reached.OrganisationId);
        }
    }

    public static string Subject(ReachedThreshold reached) =>
        string.Create(CultureInfo.InvariantCulture, $"{reached.OrganisationName} has used {reached.Threshold} % of its API calls this period");

    public static string Body(ReachedThreshold reached) => string.Create(CultureInfo.InvariantCulture, $"""
        {reached.OrganisationName} has made {reached.Total:N0} API calls in the billing period from {reached.Period.From:yyyy-MM-dd} to {reached.Period.To:yyyy-MM-dd} (UTC), {reached.Threshold} % of its allowance of {reached.Allowance:N0}.

        The allowance and the billing day are set on the organisation's usage settings page in FlagDashboard.
        """);
}
