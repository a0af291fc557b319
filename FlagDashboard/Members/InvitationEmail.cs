using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Net.Mail;
using FlagDashboard.Core.Access;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Members;

/// <summary>The mail server invitations are sent through; with no host, invitations are only shown as links to copy.</summary>
public sealed class SmtpOptions : IValidatableObject
{
    public const string SectionName = "Email:Smtp";

    public string? Host { get; set; }

    [Range(1, 65535)]
    public int Port { get; set; } = 587;

    public string? From { get; set; }

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public bool EnableSsl { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsConfigured)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(From) || !MailAddress.TryCreate(From, out _))
        {
            yield return new ValidationResult("Email:Smtp:From must be the address invitations come from when Email:Smtp:Host is set.", [nameof(From)]);
        }

        if (string.IsNullOrEmpty(UserName) != string.IsNullOrEmpty(Password))
        {
            yield return new ValidationResult("Email:Smtp:UserName and Email:Smtp:Password are set together or not at all.", [nameof(UserName), nameof(Password)]);
        }
    }
}

/// <summary>Sends a message through the configured mail server: invitations and usage alerts use it.</summary>
public sealed class SmtpSender(IOptions<SmtpOptions> options)
{
    public bool IsConfigured => options.Value.IsConfigured;

    /// <summary>The address messages come from; only meaningful when <see cref="IsConfigured"/>.</summary>
    public string From => options.Value.From!;

    /// <summary>Hands the message to the mail server; throws <see cref="SmtpException"/>, <see cref="InvalidOperationException"/> or <see cref="IOException"/> when it cannot.</summary>
    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        using var client = new SmtpClient(smtp.Host, smtp.Port) { EnableSsl = smtp.EnableSsl, DeliveryMethod = SmtpDeliveryMethod.Network };
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            client.Credentials = new NetworkCredential(smtp.UserName, smtp.Password);
        }

        await client.SendMailAsync(message, cancellationToken);
    }
}

/// <summary>Sends an invitation's link by email when a mail server is configured.</summary>
public sealed class InvitationEmail(SmtpSender smtp, ILogger<InvitationEmail> logger)
{
    public bool IsConfigured => smtp.IsConfigured;

    /// <summary>True when the mail server took the message; a failure is logged and the link still works.</summary>
    public async Task<bool> SendAsync(CreatedInvitation created, string organisationName, string link, CancellationToken cancellationToken)
    {
        if (!smtp.IsConfigured)
        {
            return false;
        }

        var invitation = created.Invitation;
        var role = invitation.ProjectRole is { } projectRole ? $"{projectRole} of a project in {organisationName}" : $"{invitation.Role} of {organisationName}";
        using var message = new MailMessage(smtp.From, invitation.Email)
        {
            Subject = $"You are invited to {organisationName} on FlagDashboard",
            Body = $"""
                {invitation.CreatedBy} invited you to FlagDashboard as {role}.

                Accept the invitation, before {invitation.ExpiresAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC, at:
                {link}

                The link works once. If you did not expect it, ignore this message.
                """,
        };
        try
        {
            await smtp.SendAsync(message, cancellationToken);
            logger.LogInformation("Sent the invitation {InvitationId} to {Email}", invitation.Id, invitation.Email);
            return true;
        }
        catch (Exception exception) when (exception is SmtpException or InvalidOperationException or IOException)
        {
            logger.LogWarning(exception, "Could not send the invitation {InvitationId} to {Email}; the link can be copied from the Members page", invitation.Id, invitation.Email);
            return false;
        }
    }
}
