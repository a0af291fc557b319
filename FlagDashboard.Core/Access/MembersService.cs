using System.Net.Mail;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Access;

public sealed record GroupReference(int Id, string Name);

public sealed record PersonReference(string UserId, string Email);

public sealed record ProjectRoleSummary(
    int Id,
    int ProjectId,
    string ProjectName,
    string? UserId,
    int? GroupId,
    string HolderName,
    ProjectRole Role,
    bool AllEnvironments,
    IReadOnlyList<int> StateEnvironmentIds);

public sealed record MemberSummary(
    string UserId,
    string Email,
    OrganisationRole Role,
    DateTimeOffset JoinedAt,
    DateTimeOffset? LastSignInAt,
    IReadOnlyList<GroupReference> Groups,
    IReadOnlyList<ProjectRoleSummary> ProjectRoles);

public sealed record GroupSummary(int Id, string Name, IReadOnlyList<PersonReference> Members, IReadOnlyList<ProjectRoleSummary> ProjectRoles);

public sealed record InvitationSummary(
    int Id,
    string Email,
    OrganisationRole Role,
    int? ProjectId,
    ProjectRole? ProjectRole,
    DateTimeOffset CreatedAt,
    string CreatedBy,
    DateTimeOffset ExpiresAt);

/// <summary>A new invitation and its secret: the only time the secret is known, since only its hash is stored.</summary>
public sealed record CreatedInvitation(InvitationSummary Invitation, string Token);

/// <summary>What the person holding a link is invited to, shown before they accept.</summary>
public sealed record InvitationPreview(int Id, string Email, int OrganisationId, string OrganisationName, OrganisationRole Role, string? ProjectName, ProjectRole? ProjectRole);

/// <summary>Who holds a project role: a person of the organisation or one of its groups (exactly one).</summary>
public sealed record RoleHolder(string? UserId, int? GroupId)
{
    public static RoleHolder Person(string userId) => new(userId, null);

    public static RoleHolder Group(int groupId) => new(null, groupId);
}

/// <summary>
/// The people of an organisation, its groups, their project roles and the invitations out. Reading needs
/// membership of the organisation; every change needs its Owner, except project roles, which the project's
/// Admins manage too. Every change is in the audit log.
/// </summary>
public sealed class MembersService(
    IDbContextFactory<FlagDashboardDbContext> dbFactory,
    IActorAccessor actors,
    AccessControl access,
    TimeProvider clock,
    IOptions<InvitationOptions> invitationOptions)
{
    private const string MemberEntity = "OrganisationMember";
    private const string GroupEntity = "AccessGroup";
    private const string GrantEntity = "ProjectRoleGrant";
    private const string InvitationEntity = "Invitation";
    private const string TokenPrefix = "fdi_";

    public async Task<IReadOnlyList<MemberSummary>> ListMembersAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var members = await db.OrganisationMembers.AsNoTracking().Where(m => m.OrganisationId == organisationId)
            .Select(m => new { m.UserId, Email = m.User!.Email ?? m.User.UserName ?? m.UserId, m.Role, m.JoinedAt, m.User.LastSignInAt })
            .ToListAsync(cancellationToken);
        var groups = await db.AccessGroupMembers.AsNoTracking().Where(m => m.Group!.OrganisationId == organisationId)
            .Select(m => new { m.UserId, m.GroupId, m.Group!.Name }).ToListAsync(cancellationToken);
        var grants = await GrantsAsync(db, g => g.Project!.OrganisationId == organisationId && g.UserId != null, cancellationToken);
        return members.OrderBy(m => m.Email, StringComparer.OrdinalIgnoreCase)
            .Select(m => new MemberSummary(
                m.UserId,
                m.Email,
                m.Role,
                m.JoinedAt,
                m.LastSignInAt,
                groups.Where(g => g.UserId == m.UserId).OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase).Select(g => new GroupReference(g.GroupId, g.Name)).ToList(),
                grants.Where(g => g.UserId == m.UserId).ToList()))
            .ToList();
    }

    /// <summary>Makes a person an Owner or a Member; the organisation always keeps at least one Owner.</summary>
    public async Task ChangeRoleAsync(int organisationId, string userId, OrganisationRole role, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        if (!Enum.IsDefined(role))
        {
            throw new ValidationException("role", "Is owner or member.");
        }

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var member = await FindMemberAsync(db, organisationId, userId, cancellationToken);
        if (member.Role == role)
        {
            return;
        }

        if (role != OrganisationRole.Owner)
        {
            await EnsureAnotherOwnerAsync(db, member, "role", cancellationToken);
        }

        var before = new { member.Role };
        member.Role = role;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, MemberEntity, userId, member.User!.Email ?? userId, new AuditScope(organisationId))
        {
            Before = before,
            After = new { member.Role },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Takes a person out of the organisation: their membership, their roles in its projects and their places in
    /// its groups go, and every session they have ends at once (a new security stamp), on every instance.
    /// </summary>
    public async Task RemoveMemberAsync(int organisationId, string userId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var member = await FindMemberAsync(db, organisationId, userId, cancellationToken);
        await EnsureAnotherOwnerAsync(db, member, "userId", cancellationToken);
        var grants = await db.ProjectRoleGrants.Where(g => g.UserId == userId && g.Project!.OrganisationId == organisationId)
            .Select(g => new { g.ProjectId, g.Role }).ToListAsync(cancellationToken);
        var groups = await db.AccessGroupMembers.Where(m => m.UserId == userId && m.Group!.OrganisationId == organisationId)
            .Select(m => m.Group!.Name).ToListAsync(cancellationToken);
        await db.ProjectRoleGrants.Where(g => g.UserId == userId && g.Project!.OrganisationId == organisationId).ExecuteDeleteAsync(cancellationToken);
        await db.AccessGroupMembers.Where(m => m.UserId == userId && m.Group!.OrganisationId == organisationId).ExecuteDeleteAsync(cancellationToken);
        db.OrganisationMembers.Remove(member);
        member.User!.SecurityStamp = Guid.NewGuid().ToString("N");
        member.User.ConcurrencyStamp = Guid.NewGuid().ToString();
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, MemberEntity, userId, member.User.Email ?? userId, new AuditScope(organisationId))
        {
            Before = new { member.Role, Groups = groups, ProjectRoles = grants },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<GroupSummary>> ListGroupsAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var groups = await db.AccessGroups.AsNoTracking().Where(g => g.OrganisationId == organisationId)
            .Select(g => new { g.Id, g.Name, Members = g.Members.Select(m => new PersonReference(m.UserId, m.User!.Email ?? m.UserId)).ToList() })
            .ToListAsync(cancellationToken);
        var grants = await GrantsAsync(db, g => g.Project!.OrganisationId == organisationId && g.GroupId != null, cancellationToken);
        return groups.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new GroupSummary(g.Id, g.Name, g.Members.OrderBy(m => m.Email, StringComparer.OrdinalIgnoreCase).ToList(), grants.Where(r => r.GroupId == g.Id).ToList()))
            .ToList();
    }

    public async Task<GroupReference> CreateGroupAsync(int organisationId, string name, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsureGroupNameFreeAsync(db, organisationId, name, null, cancellationToken);
        var group = new AccessGroup { OrganisationId = organisationId, Name = name, CreatedAt = clock.GetUtcNow() };
        db.AccessGroups.Add(group);
        await db.SaveOrConflictAsync("Group", name, cancellationToken);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, GroupEntity, group.Id, name, new AuditScope(organisationId))
        {
            After = new { group.Id, group.Name },
        });
        await db.SaveChangesAsync(cancellationToken);
        return new GroupReference(group.Id, group.Name);
    }

    public async Task<GroupReference> RenameGroupAsync(int groupId, string name, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Group, groupId, cancellationToken);
        new Validation().Name("name", name).ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.AccessGroups.SingleOrDefaultAsync(g => g.Id == groupId, cancellationToken) ?? throw new NotFoundException("Group", groupId);
        await EnsureGroupNameFreeAsync(db, group.OrganisationId, name, groupId, cancellationToken);
        var before = new { group.Id, group.Name };
        group.Name = name;
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, GroupEntity, groupId, name, new AuditScope(group.OrganisationId))
        {
            Before = before,
            After = new { group.Id, group.Name },
        });
        await db.SaveOrConflictAsync("Group", groupId, cancellationToken);
        return new GroupReference(group.Id, group.Name);
    }

    /// <summary>Deletes a group; its people lose the project roles they held through it.</summary>
    public async Task DeleteGroupAsync(int groupId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Group, groupId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var group = await db.AccessGroups.Include(g => g.Members).SingleOrDefaultAsync(g => g.Id == groupId, cancellationToken) ?? throw new NotFoundException("Group", groupId);
        db.AccessGroups.Remove(group);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, GroupEntity, groupId, group.Name, new AuditScope(group.OrganisationId))
        {
            Before = new { group.Id, group.Name, Members = group.Members.Select(m => m.UserId).ToList() },
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Puts a person of the organisation in the group (nothing changes when they are in it already).</summary>
    public async Task AddToGroupAsync(int groupId, string userId, CancellationToken cancellationToken = default)
    {
        var scope = await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Group, groupId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await EnsurePersonIsMemberAsync(db, scope.OrganisationId, userId, cancellationToken);
        if (await db.AccessGroupMembers.AnyAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken))
        {
            return;
        }

        var name = await db.AccessGroups.Where(g => g.Id == groupId).Select(g => g.Name).SingleAsync(cancellationToken);
        db.AccessGroupMembers.Add(new AccessGroupMember { GroupId = groupId, UserId = userId });
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, GroupEntity, groupId, name, new AuditScope(scope.OrganisationId))
        {
            After = new { Added = userId },
        });
        await db.SaveOrConflictAsync("Group member", userId, cancellationToken, "userId");
    }

    public async Task RemoveFromGroupAsync(int groupId, string userId, CancellationToken cancellationToken = default)
    {
        var scope = await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Group, groupId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var membership = await db.AccessGroupMembers.Include(m => m.Group).SingleOrDefaultAsync(m => m.GroupId == groupId && m.UserId == userId, cancellationToken)
            ?? throw new NotFoundException("Group member", userId);
        db.AccessGroupMembers.Remove(membership);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, GroupEntity, groupId, membership.Group!.Name, new AuditScope(scope.OrganisationId))
        {
            Before = new { Removed = userId },
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ProjectRoleSummary>> ListProjectRolesAsync(int projectId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await GrantsAsync(db, g => g.ProjectId == projectId, cancellationToken);
    }

    /// <summary>
    /// Gives a person or group a role in a project, or changes the one they hold. For an Editor, either every
    /// environment or the listed ones (which must be the project's) are where they may change states.
    /// </summary>
    public async Task<ProjectRoleSummary> SetProjectRoleAsync(
        int projectId,
        RoleHolder holder,
        ProjectRole role,
        bool allEnvironments = true,
        IReadOnlyCollection<int>? stateEnvironmentIds = null,
        CancellationToken cancellationToken = default)
    {
        var scope = await access.RequireAsync(Permission.ManageProject, OwnedResource.Project, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environments = await ValidateGrantAsync(db, scope.OrganisationId, projectId, holder, role, allEnvironments, stateEnvironmentIds, cancellationToken);
        var grant = await db.ProjectRoleGrants.Include(g => g.StateEnvironments)
            .SingleOrDefaultAsync(g => g.ProjectId == projectId && (holder.UserId != null ? g.UserId == holder.UserId : g.GroupId == holder.GroupId), cancellationToken);
        var before = grant is null ? null : GrantSnapshot(grant);
        if (grant is null)
        {
            grant = new ProjectRoleGrant { ProjectId = projectId, UserId = holder.UserId, GroupId = holder.GroupId };
            db.ProjectRoleGrants.Add(grant);
        }

        ApplyGrant(grant, role, allEnvironments, environments);
        await db.SaveOrConflictAsync("Project role", projectId, cancellationToken, holder.UserId is null ? "groupId" : "userId");
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(before is null ? AuditAction.Created : AuditAction.Updated, GrantEntity, grant.Id, await HolderNameAsync(db, holder, cancellationToken), new AuditScope(scope.OrganisationId, projectId))
        {
            Before = before,
            After = GrantSnapshot(grant),
        });
        await db.SaveChangesAsync(cancellationToken);
        return (await GrantsAsync(db, g => g.Id == grant.Id, cancellationToken)).Single();
    }

    /// <summary>Changes a role already given, found by its id.</summary>
    public async Task<ProjectRoleSummary> ChangeProjectRoleAsync(int grantId, ProjectRole role, bool allEnvironments = true, IReadOnlyCollection<int>? stateEnvironmentIds = null, CancellationToken cancellationToken = default)
    {
        var scope = await access.RequireAsync(Permission.ManageProject, OwnedResource.ProjectRoleGrant, grantId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var grant = await db.ProjectRoleGrants.Include(g => g.StateEnvironments).SingleOrDefaultAsync(g => g.Id == grantId, cancellationToken)
            ?? throw new NotFoundException("Project role", grantId);
        var holder = new RoleHolder(grant.UserId, grant.GroupId);
        var environments = await ValidateGrantAsync(db, scope.OrganisationId, grant.ProjectId, holder, role, allEnvironments, stateEnvironmentIds, cancellationToken);
        var before = GrantSnapshot(grant);
        ApplyGrant(grant, role, allEnvironments, environments);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, GrantEntity, grant.Id, await HolderNameAsync(db, holder, cancellationToken), new AuditScope(scope.OrganisationId, grant.ProjectId))
        {
            Before = before,
            After = GrantSnapshot(grant),
        });
        await db.SaveChangesAsync(cancellationToken);
        return (await GrantsAsync(db, g => g.Id == grantId, cancellationToken)).Single();
    }

    public async Task RevokeProjectRoleAsync(int grantId, CancellationToken cancellationToken = default)
    {
        var scope = await access.RequireAsync(Permission.ManageProject, OwnedResource.ProjectRoleGrant, grantId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var grant = await db.ProjectRoleGrants.Include(g => g.StateEnvironments).SingleOrDefaultAsync(g => g.Id == grantId, cancellationToken)
            ?? throw new NotFoundException("Project role", grantId);
        var name = await HolderNameAsync(db, new RoleHolder(grant.UserId, grant.GroupId), cancellationToken);
        db.ProjectRoleGrants.Remove(grant);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, GrantEntity, grantId, name, new AuditScope(scope.OrganisationId, grant.ProjectId))
        {
            Before = GrantSnapshot(grant),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The invitations not yet accepted, revoked or expired.</summary>
    public async Task<IReadOnlyList<InvitationSummary>> ListInvitationsAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // Times are stored as UTC and the SQLite converter compares clock readings, not instants: compare in UTC.
        var now = clock.GetUtcNow();
        var pending = await db.Invitations.AsNoTracking()
            .Where(i => i.OrganisationId == organisationId && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ToListAsync(cancellationToken);
        return pending.OrderBy(i => i.CreatedAt).ThenBy(i => i.Id).Select(Summary).ToList();
    }

    /// <summary>
    /// Invites a person by email into the organisation with a role, and optionally a role in one of its projects.
    /// A pending invitation of the same address is replaced. The token is returned once; only its hash is kept.
    /// </summary>
    public async Task<CreatedInvitation> InviteAsync(
        int organisationId,
        string email,
        OrganisationRole role = OrganisationRole.Member,
        int? projectId = null,
        ProjectRole? projectRole = null,
        CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        email = email?.Trim() ?? "";
        var validation = new Validation();
        if (email.Length == 0 || email.Length > FieldLimits.Name || !MailAddress.TryCreate(email, out var address) || address.Address != email || !address.Host.Contains('.', StringComparison.Ordinal))
        {
            validation.Add("email", "Give one email address, such as ada@example.com.");
        }

        validation.Check(Enum.IsDefined(role), "role", "Is owner or member.");
        validation.Check(projectRole is null || Enum.IsDefined(projectRole.Value), "projectRole", "Is admin, editor or viewer.");
        validation.Check((projectId is null) == (projectRole is null), projectId is null ? "projectId" : "projectRole", "Give both a project and a project role, or neither.");
        validation.ThrowIfInvalid();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (projectId is { } project && !await db.Projects.AnyAsync(p => p.Id == project && p.OrganisationId == organisationId, cancellationToken))
        {
            throw new ValidationException("projectId", $"The organisation has no project {project}.");
        }

        var normalized = email.ToUpperInvariant();
        if (await db.OrganisationMembers.AnyAsync(m => m.OrganisationId == organisationId && m.User!.NormalizedEmail == normalized, cancellationToken))
        {
            throw new ValidationException("email", $"{email} is already a member of the organisation.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var actor = await actors.GetActorAsync();
        var replaced = await db.Invitations
            .Where(i => i.OrganisationId == organisationId && i.AcceptedAt == null && i.RevokedAt == null)
            .ToListAsync(cancellationToken);
        foreach (var old in replaced.Where(i => string.Equals(i.Email, email, StringComparison.OrdinalIgnoreCase)))
        {
            old.RevokedAt = now;
            AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, InvitationEntity, old.Id, old.Email, new AuditScope(organisationId))
            {
                Before = new { Revoked = false },
                After = new { Revoked = true, Replaced = true },
            });
        }

        var token = TokenPrefix + KeyGenerator.NewSecret(40);
        var invitation = new Invitation
        {
            OrganisationId = organisationId,
            Email = email,
            Role = role,
            ProjectId = projectId,
            ProjectRole = projectRole,
            TokenHash = KeyGenerator.HashSecret(token),
            CreatedAt = now,
            CreatedBy = actor,
            ExpiresAt = now + invitationOptions.Value.Lifetime,
        };
        db.Invitations.Add(invitation);
        await db.SaveChangesAsync(cancellationToken);
        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Created, InvitationEntity, invitation.Id, email, new AuditScope(organisationId, projectId))
        {
            After = new { invitation.Email, invitation.Role, invitation.ProjectId, invitation.ProjectRole, invitation.ExpiresAt },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new CreatedInvitation(Summary(invitation), token);
    }

    public async Task RevokeInvitationAsync(int invitationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Invitation, invitationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invitation = await db.Invitations.SingleOrDefaultAsync(i => i.Id == invitationId, cancellationToken) ?? throw new NotFoundException(InvitationEntity, invitationId);
        if (invitation.RevokedAt is not null || invitation.AcceptedAt is not null)
        {
            return;
        }

        invitation.RevokedAt = clock.GetUtcNow();
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, InvitationEntity, invitationId, invitation.Email, new AuditScope(invitation.OrganisationId))
        {
            Before = new { Revoked = false },
            After = new { Revoked = true },
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// What a link invites to, for the page that accepts it. The token is the authority here (whoever holds it
    /// may see this much); a link that cannot be used any more is refused as <see cref="AcceptAsync"/> would.
    /// </summary>
    public async Task<InvitationPreview> PreviewAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var invitation = await FindUsableAsync(db, token, cancellationToken);
        var organisation = await db.Organisations.Where(o => o.Id == invitation.OrganisationId).Select(o => o.Name).SingleAsync(cancellationToken);
        var project = invitation.ProjectId is { } projectId ? await db.Projects.Where(p => p.Id == projectId).Select(p => p.Name).SingleAsync(cancellationToken) : null;
        return new InvitationPreview(invitation.Id, invitation.Email, invitation.OrganisationId, organisation, invitation.Role, project, invitation.ProjectRole);
    }

    /// <summary>
    /// Uses an invitation, once, before it expires: the person (who must be the one acting, with the invited
    /// address) joins the organisation with its role and gets its project role. A role they already hold higher is kept.
    /// </summary>
    public async Task<InvitationPreview> AcceptAsync(string token, string userId, CancellationToken cancellationToken = default)
    {
        var subject = await access.SubjectAsync();
        if (subject is not (AccessSubject.Operator or AccessSubject.Person) || (subject is AccessSubject.Person person && person.UserId != userId))
        {
            throw new ForbiddenException(InvitationEntity, "link", Permission.Read, canRead: false);
        }

        var preview = await PreviewAsync(token, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var user = await db.Users.SingleOrDefaultAsync(u => u.Id == userId, cancellationToken) ?? throw new NotFoundException("User", userId);
        if (!string.Equals(user.NormalizedEmail, preview.Email.ToUpperInvariant(), StringComparison.Ordinal))
        {
            throw new ValidationException("email", $"This invitation is for {preview.Email}; sign in with that address to accept it.");
        }

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var hash = KeyGenerator.HashSecret(token);
        // The condition and the write are one statement, so two tabs using the link at once cannot both join.
        var claimed = await db.Invitations
            .Where(i => i.TokenHash == hash && i.AcceptedAt == null && i.RevokedAt == null && i.ExpiresAt > now)
            .ExecuteUpdateAsync(set => set.SetProperty(i => i.AcceptedAt, now).SetProperty(i => i.AcceptedByUserId, userId), cancellationToken);
        if (claimed != 1)
        {
            throw new ValidationException("token", "This invitation link has already been used.");
        }

        var invitation = await db.Invitations.AsNoTracking().SingleAsync(i => i.TokenHash == hash, cancellationToken);
        var actor = (subject as AccessSubject.Person)?.Email ?? subject.Name;
        var member = await db.OrganisationMembers.SingleOrDefaultAsync(m => m.OrganisationId == invitation.OrganisationId && m.UserId == userId, cancellationToken);
        if (member is null)
        {
            member = new OrganisationMember { OrganisationId = invitation.OrganisationId, UserId = userId, Role = invitation.Role, JoinedAt = now };
            db.OrganisationMembers.Add(member);
            AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Created, MemberEntity, userId, user.Email ?? userId, new AuditScope(invitation.OrganisationId))
            {
                After = new { member.Role, Invitation = invitation.Id },
            });
        }
        else if (invitation.Role > member.Role)
        {
            AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, MemberEntity, userId, user.Email ?? userId, new AuditScope(invitation.OrganisationId))
            {
                Before = new { member.Role },
                After = new { invitation.Role, Invitation = invitation.Id },
            });
            member.Role = invitation.Role;
        }

        if (invitation is { ProjectId: { } projectId, ProjectRole: { } projectRole })
        {
            var grant = await db.ProjectRoleGrants.SingleOrDefaultAsync(g => g.ProjectId == projectId && g.UserId == userId, cancellationToken);
            if (grant is null)
            {
                // An invited Editor changes no states until an Owner or Admin names the environments: least access first.
                grant = new ProjectRoleGrant { ProjectId = projectId, UserId = userId, Role = projectRole, AllEnvironments = projectRole != ProjectRole.Editor };
                db.ProjectRoleGrants.Add(grant);
                await db.SaveChangesAsync(cancellationToken);
                AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Created, GrantEntity, grant.Id, user.Email ?? userId, new AuditScope(invitation.OrganisationId, projectId))
                {
                    After = GrantSnapshot(grant),
                });
            }
            else if (projectRole > grant.Role)
            {
                var before = GrantSnapshot(grant);
                grant.Role = projectRole;
                AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, GrantEntity, grant.Id, user.Email ?? userId, new AuditScope(invitation.OrganisationId, projectId))
                {
                    Before = before,
                    After = GrantSnapshot(grant),
                });
            }
        }

        AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Updated, InvitationEntity, invitation.Id, invitation.Email, new AuditScope(invitation.OrganisationId))
        {
            Before = new { Accepted = false },
            After = new { Accepted = true },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return preview;
    }


    private async Task<Invitation> FindUsableAsync(FlagDashboardDbContext db, string token, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token) || !token.StartsWith(TokenPrefix, StringComparison.Ordinal) || token.Length > 200)
        {
            throw new NotFoundException(InvitationEntity, "link");
        }

        var hash = KeyGenerator.HashSecret(token);
        var invitation = await db.Invitations.AsNoTracking().SingleOrDefaultAsync(i => i.TokenHash == hash, cancellationToken)
            ?? throw new NotFoundException(InvitationEntity, "link");
        if (invitation.AcceptedAt is not null)
        {
            throw new ValidationException("token", "This invitation link has already been used.");
        }

        if (invitation.RevokedAt is not null)
        {
            throw new ValidationException("token", "This invitation was withdrawn; ask for a new one.");
        }

        if (invitation.ExpiresAt <= clock.GetUtcNow())
        {
            throw new ValidationException("token", "This invitation has expired; ask for a new one.");
        }

        return invitation;
    }

    private static InvitationSummary Summary(Invitation i) => new(i.Id, i.Email, i.Role, i.ProjectId, i.ProjectRole, i.CreatedAt, i.CreatedBy, i.ExpiresAt);

    private static async Task<OrganisationMember> FindMemberAsync(FlagDashboardDbContext db, int organisationId, string userId, CancellationToken cancellationToken) =>
        await db.OrganisationMembers.Include(m => m.User).SingleOrDefaultAsync(m => m.OrganisationId == organisationId && m.UserId == userId, cancellationToken)
        ?? throw new NotFoundException("Member", userId);

    private static async Task EnsureAnotherOwnerAsync(FlagDashboardDbContext db, OrganisationMember member, string field, CancellationToken cancellationToken)
    {
        if (member.Role == OrganisationRole.Owner
            && !await db.OrganisationMembers.AnyAsync(m => m.OrganisationId == member.OrganisationId && m.Role == OrganisationRole.Owner && m.UserId != member.UserId, cancellationToken))
        {
            throw new ValidationException(field, "The organisation's last Owner stays; make someone else an Owner first.");
        }
    }

    private static async Task EnsurePersonIsMemberAsync(FlagDashboardDbContext db, int organisationId, string userId, CancellationToken cancellationToken)
    {
        if (!await db.OrganisationMembers.AnyAsync(m => m.OrganisationId == organisationId && m.UserId == userId, cancellationToken))
        {
            throw new ValidationException("userId", "Only people of the organisation can be given this; invite them first.");
        }
    }

    private static async Task EnsureGroupNameFreeAsync(FlagDashboardDbContext db, int organisationId, string name, int? exceptId, CancellationToken cancellationToken)
    {
        if (await db.AccessGroups.AnyAsync(g => g.OrganisationId == organisationId && g.Name == name && g.Id != exceptId, cancellationToken))
        {
            throw new ValidationException("name", $"A group named '{name}' already exists.");
        }
    }

    private static async Task<List<int>> ValidateGrantAsync(
        FlagDashboardDbContext db,
        int organisationId,
        int projectId,
        RoleHolder holder,
        ProjectRole role,
        bool allEnvironments,
        IReadOnlyCollection<int>? stateEnvironmentIds,
        CancellationToken cancellationToken)
    {
        if ((holder.UserId is null) == (holder.GroupId is null))
        {
            throw new ValidationException("userId", "Give a person (userId) or a group (groupId), not both.");
        }

        if (!Enum.IsDefined(role))
        {
            throw new ValidationException("role", "Is admin, editor or viewer.");
        }

        if (holder.UserId is { } userId)
        {
            await EnsurePersonIsMemberAsync(db, organisationId, userId, cancellationToken);
        }
        else if (!await db.AccessGroups.AnyAsync(g => g.Id == holder.GroupId && g.OrganisationId == organisationId, cancellationToken))
        {
            throw new ValidationException("groupId", $"The organisation has no group {holder.GroupId}.");
        }

        var environments = (stateEnvironmentIds ?? []).Distinct().ToList();
        if (role != ProjectRole.Editor || allEnvironments)
        {
            return [];
        }

        var known = await db.Environments.Where(e => e.ProjectId == projectId && environments.Contains(e.Id)).Select(e => e.Id).ToListAsync(cancellationToken);
        var foreign = environments.Except(known).ToList();
        if (foreign.Count > 0)
        {
            throw new ValidationException("stateEnvironmentIds", $"Not environments of the project: {string.Join(", ", foreign)}.");
        }

        return environments;
    }

    private static void ApplyGrant(ProjectRoleGrant grant, ProjectRole role, bool allEnvironments, List<int> environments)
    {
        grant.Role = role;
        grant.AllEnvironments = role != ProjectRole.Editor || allEnvironments;
        grant.StateEnvironments.RemoveAll(e => !environments.Contains(e.EnvironmentId));
        foreach (var id in environments.Where(id => grant.StateEnvironments.All(e => e.EnvironmentId != id)))
        {
            grant.StateEnvironments.Add(new ProjectRoleEnvironment { EnvironmentId = id });
        }
    }

    private static object GrantSnapshot(ProjectRoleGrant g) => new
    {
        g.ProjectId,
        g.UserId,
        g.GroupId,
        g.Role,
        g.AllEnvironments,
        StateEnvironmentIds = g.StateEnvironments.Select(e => e.EnvironmentId).Order().ToList(),
    };

    private static async Task<string> HolderNameAsync(FlagDashboardDbContext db, RoleHolder holder, CancellationToken cancellationToken) => holder.UserId is { } userId
        ? await db.Users.Where(u => u.Id == userId).Select(u => u.Email ?? u.Id).SingleOrDefaultAsync(cancellationToken) ?? userId
        : await db.AccessGroups.Where(g => g.Id == holder.GroupId).Select(g => g.Name).SingleOrDefaultAsync(cancellationToken) ?? $"group {holder.GroupId}";

    private static async Task<List<ProjectRoleSummary>> GrantsAsync(FlagDashboardDbContext db, System.Linq.Expressions.Expression<Func<ProjectRoleGrant, bool>> filter, CancellationToken cancellationToken)
    {
        var rows = await db.ProjectRoleGrants.AsNoTracking().Where(filter)
            .Select(g => new
            {
                g.Id,
                g.ProjectId,
                ProjectName = g.Project!.Name,
                g.UserId,
                g.GroupId,
                HolderName = g.UserId != null ? g.User!.Email ?? g.UserId : g.Group!.Name,
                g.Role,
                g.AllEnvironments,
                Environments = g.StateEnvironments.Select(e => e.EnvironmentId).ToList(),
            })
            .ToListAsync(cancellationToken);
        return rows.OrderBy(r => r.ProjectName, StringComparer.OrdinalIgnoreCase).ThenBy(r => r.HolderName, StringComparer.OrdinalIgnoreCase)
            .Select(r => new ProjectRoleSummary(r.Id, r.ProjectId, r.ProjectName, r.UserId, r.GroupId, r.HolderName, r.Role, r.AllEnvironments, r.Environments.Order().ToList()))
            .ToList();
    }
}
