using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Access;
using FlagDashboard.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Members;

/// <summary>
/// The people of the key's organisation, its groups, project roles and invitations. Reading needs any key of the
/// organisation; changes need an owner key (project roles: a key that is an Admin of the project).
/// </summary>
public static class MembersApi
{
    public sealed record MemberResponse(string UserId, string Email, OrganisationRole Role, DateTimeOffset JoinedAt, DateTimeOffset? LastSignInAt, IReadOnlyList<GroupReference> Groups, IReadOnlyList<ProjectRoleResponse> ProjectRoles);

    public sealed record ChangeMemberRoleRequest(OrganisationRole? Role);

    public sealed record GroupResponse(int Id, string Name, IReadOnlyList<PersonReference> Members, IReadOnlyList<ProjectRoleResponse> ProjectRoles);

    public sealed record GroupRequest([Required(AllowEmptyStrings = true)] string Name);

    /// <summary>A role in a project, held by a person (<c>userId</c>) or a group (<c>groupId</c>).</summary>
    public sealed record ProjectRoleResponse(int Id, int ProjectId, string ProjectName, string? UserId, int? GroupId, string HolderName, ProjectRole Role, bool AllEnvironments, IReadOnlyList<int> StateEnvironmentIds);

    /// <summary>
    /// Give exactly one of <c>userId</c> and <c>groupId</c>. An Editor changes states in every environment unless
    /// <c>allEnvironments</c> is false; then only in <c>stateEnvironmentIds</c>.
    /// </summary>
    public sealed record SetProjectRoleRequest(string? UserId, int? GroupId, ProjectRole? Role, bool? AllEnvironments, IReadOnlyList<int>? StateEnvironmentIds);

    public sealed record ChangeProjectRoleRequest(ProjectRole? Role, bool? AllEnvironments, IReadOnlyList<int>? StateEnvironmentIds);

    /// <summary><see cref="Link"/> is given only in the answer that creates the invitation.</summary>
    public sealed record InvitationResponse(int Id, string Email, OrganisationRole Role, int? ProjectId, ProjectRole? ProjectRole, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset ExpiresAt, string? Link = null, bool? Emailed = null);

    /// <summary>The role in the organisation is <c>member</c> unless given; a project and a project role go together.</summary>
    public sealed record CreateInvitationRequest([Required(AllowEmptyStrings = true)] string Email, OrganisationRole? Role, int? ProjectId, ProjectRole? ProjectRole);

    public static RouteGroupBuilder MapMembersApi(this RouteGroupBuilder admin)
    {
        var members = admin.MapGroup("/members").WithTags("Members");
        members.MapGet("/", ListMembers).WithName("ListMembers").WithSummary("The organisation's people, with their role, groups, project roles and last sign-in.");
        members.MapPut("/{userId}/role", ChangeMemberRole).WithName("ChangeMemberRole").WithSummary("Makes a person an owner or a member; the last owner stays an owner.");
        members.MapDelete("/{userId}", RemoveMember).WithName("RemoveMember").WithSummary("Removes a person from the organisation, its projects and groups, and ends their sessions at once.");

        var groups = admin.MapGroup("/groups").WithTags("Members");
        groups.MapGet("/", ListGroups).WithName("ListGroups").WithSummary("The organisation's groups, with their people and project roles.");
        groups.MapPost("/", CreateGroup).WithName("CreateGroup").WithSummary("Creates a group.");
        groups.MapPut("/{groupId}", RenameGroup).WithName("RenameGroup").WithSummary("Renames a group.");
        groups.MapDelete("/{groupId}", DeleteGroup).WithName("DeleteGroup").WithSummary("Deletes a group; its people lose the roles they held through it.");
        groups.MapPut("/{groupId}/members/{userId}", AddGroupMember).WithName("AddGroupMember").WithSummary("Puts a person of the organisation in the group.");
        groups.MapDelete("/{groupId}/members/{userId}", RemoveGroupMember).WithName("RemoveGroupMember").WithSummary("Takes a person out of the group.");

        var roles = admin.MapGroup("").WithTags("Members");
        roles.MapGet("/projects/{projectId}/roles", ListProjectRoles).WithName("ListProjectRoles").WithSummary("Who holds which role in a project.");
        roles.MapPost("/projects/{projectId}/roles", SetProjectRole).WithName("SetProjectRole").WithSummary("Gives a person or group a role in the project, or changes the one they hold.");
        roles.MapPut("/project-roles/{roleId}", ChangeProjectRole).WithName("ChangeProjectRole").WithSummary("Changes a project role and, for an Editor, where it may change states.");
        roles.MapDelete("/project-roles/{roleId}", RevokeProjectRole).WithName("RevokeProjectRole").WithSummary("Takes a project role away.");

        var invitations = admin.MapGroup("/invitations").WithTags("Members");
        invitations.MapGet("/", ListInvitations).WithName("ListInvitations").WithSummary("Invitations not yet accepted, withdrawn or expired.");
        invitations.MapPost("/", CreateInvitation).WithName("CreateInvitation").WithSummary("Invites a person by email; the answer is the only time the link is shown (it is also emailed when a mail server is configured).");
        invitations.MapDelete("/{invitationId}", RevokeInvitation).WithName("RevokeInvitation").WithSummary("Withdraws an invitation; its link stops working.");
        return admin;
    }

    private static async Task<Ok<Paged<MemberResponse>>> ListMembers([AsParameters] PageRequest page, ClaimsPrincipal user, MembersService members, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await members.ListMembersAsync(user.KeyOrganisationId(), cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(m => new MemberResponse(m.UserId, m.Email, m.Role, m.JoinedAt, m.LastSignInAt, m.Groups, m.ProjectRoles.Select(Response).ToList())).ToList()));
    }

    private static async Task<NoContent> ChangeMemberRole(string userId, ChangeMemberRoleRequest request, ClaimsPrincipal user, MembersService members, CancellationToken cancellationToken)
    {
        await members.ChangeRoleAsync(user.KeyOrganisationId(), userId, request.Role ?? throw new Core.ValidationException("role", "Is owner or member."), cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RemoveMember(string userId, ClaimsPrincipal user, MembersService members, CancellationToken cancellationToken)
    {
        await members.RemoveMemberAsync(user.KeyOrganisationId(), userId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Paged<GroupResponse>>> ListGroups([AsParameters] PageRequest page, ClaimsPrincipal user, MembersService members, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await members.ListGroupsAsync(user.KeyOrganisationId(), cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(g => new GroupResponse(g.Id, g.Name, g.Members, g.ProjectRoles.Select(Response).ToList())).ToList()));
    }

    private static async Task<Created<GroupReference>> CreateGroup(GroupRequest request, ClaimsPrincipal user, MembersService members, CancellationToken cancellationToken)
    {
        var group = await members.CreateGroupAsync(user.KeyOrganisationId(), request.Name, cancellationToken);
        return TypedResults.Created($"/api/admin/groups/{group.Id}", group);
    }

    private static async Task<Ok<GroupReference>> RenameGroup(int groupId, GroupRequest request, MembersService members, CancellationToken cancellationToken) =>
        TypedResults.Ok(await members.RenameGroupAsync(groupId, request.Name, cancellationToken));

    private static async Task<NoContent> DeleteGroup(int groupId, MembersService members, CancellationToken cancellationToken)
    {
        await members.DeleteGroupAsync(groupId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> AddGroupMember(int groupId, string userId, MembersService members, CancellationToken cancellationToken)
    {
        await members.AddToGroupAsync(groupId, userId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<NoContent> RemoveGroupMember(int groupId, string userId, MembersService members, CancellationToken cancellationToken)
    {
        await members.RemoveFromGroupAsync(groupId, userId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<IReadOnlyList<ProjectRoleResponse>>> ListProjectRoles(int projectId, MembersService members, CancellationToken cancellationToken)
    {
        var roles = await members.ListProjectRolesAsync(projectId, cancellationToken);
        return TypedResults.Ok<IReadOnlyList<ProjectRoleResponse>>(roles.Select(Response).ToList());
    }

    private static async Task<Ok<ProjectRoleResponse>> SetProjectRole(int projectId, SetProjectRoleRequest request, MembersService members, CancellationToken cancellationToken)
    {
        var role = await members.SetProjectRoleAsync(projectId, new RoleHolder(request.UserId, request.GroupId), RequireRole(request.Role), request.AllEnvironments ?? true, request.StateEnvironmentIds, cancellationToken);
        return TypedResults.Ok(Response(role));
    }

    private static async Task<Ok<ProjectRoleResponse>> ChangeProjectRole(int roleId, ChangeProjectRoleRequest request, MembersService members, CancellationToken cancellationToken)
    {
        var role = await members.ChangeProjectRoleAsync(roleId, RequireRole(request.Role), request.AllEnvironments ?? true, request.StateEnvironmentIds, cancellationToken);
        return TypedResults.Ok(Response(role));
    }

    private static async Task<NoContent> RevokeProjectRole(int roleId, MembersService members, CancellationToken cancellationToken)
    {
        await members.RevokeProjectRoleAsync(roleId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Paged<InvitationResponse>>> ListInvitations([AsParameters] PageRequest page, ClaimsPrincipal user, MembersService members, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await members.ListInvitationsAsync(user.KeyOrganisationId(), cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(i => Response(i)).ToList()));
    }

    private static async Task<Created<InvitationResponse>> CreateInvitation(CreateInvitationRequest request, ClaimsPrincipal user, HttpRequest http, MemberInvitations invitations, CancellationToken cancellationToken)
    {
        var sent = await invitations.InviteAsync(
            user.KeyOrganisationId(), request.Email, request.Role ?? OrganisationRole.Member, request.ProjectId, request.ProjectRole, BaseUri(http), cancellationToken);
        return TypedResults.Created("/api/admin/invitations", Response(sent.Invitation, sent.Link, sent.Emailed));
    }

    private static async Task<NoContent> RevokeInvitation(int invitationId, MembersService members, CancellationToken cancellationToken)
    {
        await members.RevokeInvitationAsync(invitationId, cancellationToken);
        return TypedResults.NoContent();
    }

    /// <summary>The address the caller reached the app at (the proxy's, when one is trusted), which the link must use too.</summary>
    private static string BaseUri(HttpRequest http) => $"{http.Scheme}://{http.Host}{http.PathBase}";

    private static ProjectRole RequireRole(ProjectRole? role) => role ?? throw new Core.ValidationException("role", "Is admin, editor or viewer.");

    private static ProjectRoleResponse Response(ProjectRoleSummary r) => new(r.Id, r.ProjectId, r.ProjectName, r.UserId, r.GroupId, r.HolderName, r.Role, r.AllEnvironments, r.StateEnvironmentIds);

    private static InvitationResponse Response(InvitationSummary i, string? link = null, bool? emailed = null) =>
        new(i.Id, i.Email, i.Role, i.ProjectId, i.ProjectRole, i.CreatedAt, i.CreatedBy, i.ExpiresAt, link, emailed);
}
