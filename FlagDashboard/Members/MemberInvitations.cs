using FlagDashboard.Core.Access;
using FlagDashboard.Core.Organisations;

namespace FlagDashboard.Members;

/// <summary>An invitation as the person who made it sees it once: its link, and whether it was also emailed.</summary>
public sealed record SentInvitation(InvitationSummary Invitation, string Link, bool Emailed);

/// <summary>Creates an invitation through the Core service, makes its link and, when a mail server is configured, sends it.</summary>
public sealed class MemberInvitations(MembersService members, OrganisationService organisations, InvitationEmail email)
{
    public const string PathPrefix = "/invitations/";

    public static string Link(string baseUri, string token) => $"{baseUri.TrimEnd('/')}{PathPrefix}{token}";

    public async Task<SentInvitation> InviteAsync(
        int organisationId,
        string address,
        OrganisationRole role,
        int? projectId,
        ProjectRole? projectRole,
        string baseUri,
        CancellationToken cancellationToken)
    {
        var created = await members.InviteAsync(organisationId, address, role, projectId, projectRole, cancellationToken);
        var link = Link(baseUri, created.Token);
        var emailed = email.IsConfigured
            && await email.SendAsync(created, (await organisations.GetAsync(organisationId, cancellationToken)).Name, link, cancellationToken);
        return new SentInvitation(created.Invitation, link, emailed);
    }
}
