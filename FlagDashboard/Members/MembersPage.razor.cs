using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Members;

/// <summary>
/// The people of an organisation, its groups and pending invitations. Actions are shown to its Owners only;
/// the service refuses them to anyone else all the same.
/// </summary>
public sealed partial class MembersPage
{
    private IReadOnlyList<OrganisationSummary>? _organisations;
    private OrganisationSummary? _organisation;
    private bool _mayManage;
    private IReadOnlyList<MemberSummary> _members = [];
    private IReadOnlyList<GroupSummary> _groups = [];
    private IReadOnlyList<InvitationSummary> _invitations = [];
    private IReadOnlyList<ProjectSummary> _projects = [];
    private string _inviteEmail = "";
    private OrganisationRole _inviteRole = OrganisationRole.Member;
    private int _inviteProjectId;
    private ProjectRole _inviteProjectRole = ProjectRole.Viewer;
    private string? _inviteError;
    private SentInvitation? _sent;
    private string? _grantHolder;
    private int _grantProjectId;
    private ProjectRole _grantRole = ProjectRole.Viewer;
    private bool _grantAllEnvironments = true;
    private IReadOnlyCollection<int> _grantEnvironments = [];
    private IReadOnlyList<Core.Environments.EnvironmentSummary> _grantProjectEnvironments = [];
    private string? _grantError;
    private string _groupName = "";
    private string? _groupError;

    [Parameter]
    public int? OrganisationId { get; set; }

    [Inject]
    private OrganisationService Organisations { get; set; } = null!;

    [Inject]
    private ProjectService Projects { get; set; } = null!;

    [Inject]
    private MembersService Members { get; set; } = null!;

    [Inject]
    private Core.Environments.EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private MemberInvitations Invitations { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    [Inject]
    private DashboardSelection Selection { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    protected override async Task OnParametersSetAsync()
    {
        _organisations ??= await Organisations.ListAsync();
        var selectedProject = Selection.ProjectId is { } projectId ? (await Projects.ListAsync()).FirstOrDefault(p => p.Id == projectId) : null;
        _organisation = _organisations.FirstOrDefault(o => o.Id == OrganisationId)
            ?? _organisations.FirstOrDefault(o => o.Id == selectedProject?.OrganisationId)
            ?? _organisations.FirstOrDefault();
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        if (_organisation is not { } organisation)
        {
            return;
        }

        _mayManage = (await Access.RightsAsync()).IsOwner(organisation.Id);
        _members = await Members.ListMembersAsync(organisation.Id);
        _groups = await Members.ListGroupsAsync(organisation.Id);
        _invitations = await Members.ListInvitationsAsync(organisation.Id);
        _projects = await Projects.ListAsync(organisation.Id);
        if (_mayManage && _projects.Count > 0 && _projects.All(p => p.Id != _grantProjectId))
        {
            await SelectGrantProjectAsync(_projects[0].Id);
        }
    }

    private async Task SelectGrantProjectAsync(int projectId)
    {
        _grantProjectId = projectId;
        _grantEnvironments = [];
        _grantProjectEnvironments = await Environments.ListAsync(projectId);
    }

    private async Task GrantAsync()
    {
        if (_grantHolder is null)
        {
            _grantError = "Choose a person or a group.";
            return;
        }

        var holder = _grantHolder.StartsWith("g:", StringComparison.Ordinal)
            ? RoleHolder.Group(int.Parse(_grantHolder[2..], System.Globalization.CultureInfo.InvariantCulture))
            : RoleHolder.Person(_grantHolder[2..]);
        _grantError = await DashboardDialogs.TryAsync(() => Members.SetProjectRoleAsync(_grantProjectId, holder, _grantRole, _grantAllEnvironments, _grantEnvironments.ToList()));
        if (_grantError is null)
        {
            Snackbar.Add("Gave the project role.", Severity.Success);
            await LoadAsync();
        }
    }

    private async Task RevokeRoleAsync(ProjectRoleSummary role)
    {
        await Snackbar.RunAsync(() => Members.RevokeProjectRoleAsync(role.Id), $"Took {role.HolderName}'s role in {role.ProjectName} away.");
        await LoadAsync();
    }

    private Task SelectOrganisationAsync(int organisationId)
    {
        Navigation.NavigateTo($"/organisations/{organisationId}/members");
        return Task.CompletedTask;
    }

    private async Task InviteAsync()
    {
        _inviteError = null;
        _sent = null;
        try
        {
            _sent = await Invitations.InviteAsync(
                _organisation!.Id, _inviteEmail, _inviteRole, _inviteProjectId == 0 ? null : _inviteProjectId, _inviteProjectId == 0 ? null : _inviteProjectRole, Navigation.BaseUri, CancellationToken.None);
            _inviteEmail = "";
            await LoadAsync();
        }
        catch (Exception exception) when (exception is Core.ValidationException or Core.ForbiddenException or Core.NotFoundException)
        {
            _inviteError = DashboardDialogs.Describe(exception);
        }
    }

    private async Task ChangeRoleAsync(MemberSummary member, OrganisationRole role)
    {
        await Snackbar.RunAsync(() => Members.ChangeRoleAsync(_organisation!.Id, member.UserId, role), $"{member.Email} is now {(role == OrganisationRole.Owner ? "an Owner" : "a Member")}.");
        await LoadAsync();
    }

    private async Task RemoveAsync(MemberSummary member)
    {
        if (!await Dialogs.ConfirmAsync($"Remove {member.Email}?",
                $"{member.Email} loses {_organisation!.Name}, their roles in its projects and their places in its groups, and is signed out everywhere at once.", "Remove"))
        {
            return;
        }

        await Snackbar.RunAsync(() => Members.RemoveMemberAsync(_organisation.Id, member.UserId), $"Removed {member.Email}.");
        await LoadAsync();
    }

    private async Task CreateGroupAsync()
    {
        _groupError = await DashboardDialogs.TryAsync(() => Members.CreateGroupAsync(_organisation!.Id, _groupName.Trim()));
        if (_groupError is null)
        {
            _groupName = "";
            await LoadAsync();
        }
    }

    private async Task DeleteGroupAsync(GroupSummary group)
    {
        if (await Dialogs.ConfirmAsync($"Delete {group.Name}?", $"Its {group.Members.Count} people lose the project roles they hold through it."))
        {
            await Snackbar.RunAsync(() => Members.DeleteGroupAsync(group.Id), $"Deleted group {group.Name}.");
            await LoadAsync();
        }
    }

    private async Task AddToGroupAsync(GroupSummary group, string? userId)
    {
        if (userId is not null)
        {
            await Snackbar.RunAsync(() => Members.AddToGroupAsync(group.Id, userId), $"Added to {group.Name}.");
            await LoadAsync();
        }
    }

    private async Task RemoveFromGroupAsync(GroupSummary group, PersonReference person)
    {
        await Snackbar.RunAsync(() => Members.RemoveFromGroupAsync(group.Id, person.UserId), $"Took {person.Email} out of {group.Name}.");
        await LoadAsync();
    }

    private async Task RevokeAsync(InvitationSummary invitation)
    {
        await Snackbar.RunAsync(() => Members.RevokeInvitationAsync(invitation.Id), $"Withdrew the invitation of {invitation.Email}.");
        await LoadAsync();
    }

    private string ProjectName(int projectId) => _projects.FirstOrDefault(p => p.Id == projectId)?.Name ?? $"project {projectId}";
}
