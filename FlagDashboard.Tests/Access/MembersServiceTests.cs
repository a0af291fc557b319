using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Users;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Access;

public sealed class MembersServiceTests
{
    [Fact]
    public async Task TheMemberListShowsEachPersonsRoleGroupsProjectRolesAndLastSignIn()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var owner = await AddPersonAsync(core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        var viewer = await AddPersonAsync(core, "vic@example.com", seeded.OrganisationId, OrganisationRole.Member, lastSignIn: core.Clock.Now.AddHours(-3));
        var group = await core.Members.CreateGroupAsync(seeded.OrganisationId, "Mobile", Token);
        await core.Members.AddToGroupAsync(group.Id, viewer.UserId, Token);
        await core.Members.SetProjectRoleAsync(seeded.ProjectId, RoleHolder.Person(viewer.UserId), ProjectRole.Viewer, cancellationToken: Token);

        var members = await core.As(viewer).Members.ListMembersAsync(seeded.OrganisationId, Token);

        Assert.Equal(["olga@example.com", "vic@example.com"], members.Select(m => m.Email));
        Assert.Equal(OrganisationRole.Owner, members[0].Role);
        Assert.Null(members[0].LastSignInAt);
        Assert.Empty(members[0].Groups);
        var vic = members[1];
        Assert.Equal(OrganisationRole.Member, vic.Role);
        Assert.Equal(core.Clock.Now.AddHours(-3), vic.LastSignInAt);
        Assert.Equal([new GroupReference(group.Id, "Mobile")], vic.Groups);
        var role = Assert.Single(vic.ProjectRoles);
        Assert.Equal((seeded.ProjectId, ProjectRole.Viewer, viewer.UserId), (role.ProjectId, role.Role, role.UserId));
        Assert.NotEqual(owner.UserId, viewer.UserId);
    }

    [Fact]
    public async Task AMemberMayReadButNotInviteChangeRolesRemovePeopleOrManageGroups()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var owner = await AddPersonAsync(core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        var member = await AddPersonAsync(core, "max@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var group = await core.Members.CreateGroupAsync(seeded.OrganisationId, "Mobile", Token);
        var invited = await core.Members.InviteAsync(seeded.OrganisationId, "new@example.com", cancellationToken: Token);
        var asMember = core.As(member).Members;
        var auditBefore = (await core.AuditEntriesAsync()).Count;

        Assert.Equal(2, (await asMember.ListMembersAsync(seeded.OrganisationId, Token)).Count);
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.InviteAsync(seeded.OrganisationId, "friend@example.com", cancellationToken: Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.ChangeRoleAsync(seeded.OrganisationId, member.UserId, OrganisationRole.Owner, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.RemoveMemberAsync(seeded.OrganisationId, owner.UserId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.CreateGroupAsync(seeded.OrganisationId, "Mine", Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.AddToGroupAsync(group.Id, member.UserId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.RevokeInvitationAsync(invited.Invitation.Id, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asMember.SetProjectRoleAsync(seeded.ProjectId, RoleHolder.Person(member.UserId), ProjectRole.Admin, cancellationToken: Token));

        Assert.Equal(auditBefore, (await core.AuditEntriesAsync()).Count);
        Assert.Equal(OrganisationRole.Member, (await core.Members.ListMembersAsync(seeded.OrganisationId, Token)).Single(m => m.UserId == member.UserId).Role);
    }

    [Fact]
    public async Task AnotherOrganisationsPeopleAreHiddenFromAnOutsider()
    {
        await using var core = await CoreServices.CreateAsync();
        var acme = await core.SeedProjectAsync();
        var globex = await core.SeedProjectAsync();
        var outsider = await AddPersonAsync(core, "eve@example.com", globex.OrganisationId, OrganisationRole.Owner);

        var refused = await Assert.ThrowsAsync<ForbiddenException>(() => core.As(outsider).Members.ListMembersAsync(acme.OrganisationId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(outsider).Members.ListProjectRolesAsync(acme.ProjectId, Token));

        Assert.DoesNotContain("may not", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheLastOwnerCanBeNeitherDemotedNorRemoved()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var olga = await AddPersonAsync(core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        var max = await AddPersonAsync(core, "max@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var asOlga = core.As(olga).Members;

        var demoted = await Assert.ThrowsAsync<ValidationException>(() => asOlga.ChangeRoleAsync(seeded.OrganisationId, olga.UserId, OrganisationRole.Member, Token));
        var removed = await Assert.ThrowsAsync<ValidationException>(() => asOlga.RemoveMemberAsync(seeded.OrganisationId, olga.UserId, Token));
        Assert.Equal(["role"], demoted.Errors.Keys);
        Assert.Equal(["userId"], removed.Errors.Keys);

        await asOlga.ChangeRoleAsync(seeded.OrganisationId, max.UserId, OrganisationRole.Owner, Token);
        await asOlga.ChangeRoleAsync(seeded.OrganisationId, olga.UserId, OrganisationRole.Member, Token);

        var members = await core.Members.ListMembersAsync(seeded.OrganisationId, Token);
        Assert.Equal([("max@example.com", OrganisationRole.Owner), ("olga@example.com", OrganisationRole.Member)], members.Select(m => (m.Email, m.Role)));
        await Assert.ThrowsAsync<ValidationException>(() => core.As(max).Members.RemoveMemberAsync(seeded.OrganisationId, max.UserId, Token));
    }

    [Fact]
    public async Task ARemovedPersonLosesTheOrganisationItsProjectRolesGroupsAndSessions()
    {
        await using var core = await CoreServices.CreateAsync();
        var acme = await core.SeedProjectAsync();
        var globex = await core.SeedProjectAsync();
        var owner = await AddPersonAsync(core, "olga@example.com", acme.OrganisationId, OrganisationRole.Owner);
        var max = await AddPersonAsync(core, "max@example.com", acme.OrganisationId, OrganisationRole.Member);
        await AddMembershipAsync(core, max.UserId, globex.OrganisationId, OrganisationRole.Member);
        var group = await core.Members.CreateGroupAsync(acme.OrganisationId, "Mobile", Token);
        await core.Members.AddToGroupAsync(group.Id, max.UserId, Token);
        await core.Members.SetProjectRoleAsync(acme.ProjectId, RoleHolder.Group(group.Id), ProjectRole.Editor, cancellationToken: Token);
        await core.Members.SetProjectRoleAsync(acme.ProjectId, RoleHolder.Person(max.UserId), ProjectRole.Admin, cancellationToken: Token);
        await core.Members.SetProjectRoleAsync(globex.ProjectId, RoleHolder.Person(max.UserId), ProjectRole.Viewer, cancellationToken: Token);
        var stampBefore = await SecurityStampAsync(core, max.UserId);
        Assert.NotNull(await core.As(max).Projects.GetAsync(acme.ProjectId, Token));

        await core.As(owner).Members.RemoveMemberAsync(acme.OrganisationId, max.UserId, Token);

        Assert.NotEqual(stampBefore, await SecurityStampAsync(core, max.UserId));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(max).Projects.GetAsync(acme.ProjectId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(max).Members.ListMembersAsync(acme.OrganisationId, Token));
        Assert.DoesNotContain(await core.Members.ListMembersAsync(acme.OrganisationId, Token), m => m.UserId == max.UserId);
        Assert.Empty(Assert.Single(await core.Members.ListGroupsAsync(acme.OrganisationId, Token)).Members);
        Assert.DoesNotContain(await core.Members.ListProjectRolesAsync(acme.ProjectId, Token), r => r.UserId == max.UserId);
        // Their place in the other organisation is theirs still.
        Assert.Equal(globex.ProjectId, (await core.As(max).Projects.GetAsync(globex.ProjectId, Token)).Id);
        var entry = Assert.Single(await core.AuditEntriesAsync(), e => e.EntityType == "OrganisationMember" && e.Action == Core.Audit.AuditAction.Deleted);
        Assert.Equal((acme.OrganisationId, "olga@example.com", "max@example.com"), (entry.OrganisationId!.Value, entry.Actor, entry.EntityName));
    }

    [Fact]
    public async Task AnInvitationIsAcceptedOnceAndGivesItsOrganisationAndProjectRole()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var other = await core.Projects.CreateAsync(seeded.OrganisationId, "Other", Token);
        var owner = await AddPersonAsync(core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        var created = await core.As(owner).Members.InviteAsync(seeded.OrganisationId, "Vic@Example.com", OrganisationRole.Member, seeded.ProjectId, ProjectRole.Viewer, Token);
        var vic = await AddPersonAsync(core, "vic@example.com", organisationId: null, OrganisationRole.Member);

        var preview = await core.As(vic).Members.AcceptAsync(created.Token, vic.UserId, Token);

        Assert.Equal(("Vic@Example.com", seeded.OrganisationId, "Shop", ProjectRole.Viewer), (preview.Email, preview.OrganisationId, preview.ProjectName, preview.ProjectRole));
        Assert.Equal([seeded.ProjectId], (await core.As(vic).Projects.ListAsync(seeded.OrganisationId, Token)).Select(p => p.Id));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(vic).Projects.GetAsync(other.Id, Token));
        var rights = await core.As(vic).Access.RightsAsync(Token);
        Assert.False(rights.Allows(Permission.EditProject, new ResourceScope(seeded.OrganisationId, seeded.ProjectId)));
        Assert.Empty(await core.Members.ListInvitationsAsync(seeded.OrganisationId, Token));
        var again = await Assert.ThrowsAsync<ValidationException>(() => core.As(vic).Members.AcceptAsync(created.Token, vic.UserId, Token));
        Assert.Contains("already been used", again.Errors["token"][0], StringComparison.Ordinal);
        Assert.Contains(await core.AuditEntriesAsync(), e => e.EntityType == "OrganisationMember" && e.Action == Core.Audit.AuditAction.Created && e.Actor == "vic@example.com");
    }

    [Fact]
    public async Task AnExpiredInvitationIsRefused()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var created = await core.Members.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token);
        var vic = await AddPersonAsync(core, "vic@example.com", organisationId: null, OrganisationRole.Member);
        Assert.Equal(core.Clock.Now.AddDays(7), created.Invitation.ExpiresAt);

        core.Clock.Advance(TimeSpan.FromDays(7));

        var refused = await Assert.ThrowsAsync<ValidationException>(() => core.As(vic).Members.AcceptAsync(created.Token, vic.UserId, Token));
        Assert.Contains("expired", refused.Errors["token"][0], StringComparison.Ordinal);
        Assert.Empty(await core.Members.ListInvitationsAsync(seeded.OrganisationId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(vic).Members.ListMembersAsync(seeded.OrganisationId, Token));
    }

    [Fact]
    public async Task ARevokedOrUnknownInvitationIsRefused()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var created = await core.Members.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token);
        var vic = await AddPersonAsync(core, "vic@example.com", organisationId: null, OrganisationRole.Member);

        await core.Members.RevokeInvitationAsync(created.Invitation.Id, Token);

        var refused = await Assert.ThrowsAsync<ValidationException>(() => core.As(vic).Members.AcceptAsync(created.Token, vic.UserId, Token));
        Assert.Contains("withdrawn", refused.Errors["token"][0], StringComparison.Ordinal);
        await Assert.ThrowsAsync<NotFoundException>(() => core.As(vic).Members.AcceptAsync(created.Token + "x", vic.UserId, Token));
        await Assert.ThrowsAsync<NotFoundException>(() => core.As(vic).Members.PreviewAsync("fdi_" + new string('a', 40), Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(vic).Members.ListMembersAsync(seeded.OrganisationId, Token));
    }

    [Fact]
    public async Task AnInvitationIsAcceptedOnlyByItsAddressAndOnlyForOneself()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var created = await core.Members.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token);
        var vic = await AddPersonAsync(core, "vic@example.com", organisationId: null, OrganisationRole.Member);
        var eve = await AddPersonAsync(core, "eve@example.com", organisationId: null, OrganisationRole.Member);

        var wrongAddress = await Assert.ThrowsAsync<ValidationException>(() => core.As(eve).Members.AcceptAsync(created.Token, eve.UserId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(eve).Members.AcceptAsync(created.Token, vic.UserId, Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(new AccessSubject.Anonymous()).Members.AcceptAsync(created.Token, vic.UserId, Token));

        Assert.Equal(["email"], wrongAddress.Errors.Keys);
        Assert.Single(await core.Members.ListInvitationsAsync(seeded.OrganisationId, Token));
        await core.As(vic).Members.AcceptAsync(created.Token, vic.UserId, Token);
        Assert.Contains(await core.Members.ListMembersAsync(seeded.OrganisationId, Token), m => m.UserId == vic.UserId);
    }

    [Fact]
    public async Task ReInvitingAPendingAddressReplacesTheOldInvitation()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var first = await core.Members.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token);
        core.Clock.Advance(TimeSpan.FromDays(1));

        var second = await core.Members.InviteAsync(seeded.OrganisationId, "VIC@example.com", OrganisationRole.Owner, cancellationToken: Token);

        var pending = Assert.Single(await core.Members.ListInvitationsAsync(seeded.OrganisationId, Token));
        Assert.Equal((second.Invitation.Id, OrganisationRole.Owner, core.Clock.Now.AddDays(7)), (pending.Id, pending.Role, pending.ExpiresAt));
        await Assert.ThrowsAsync<ValidationException>(() => core.Members.PreviewAsync(first.Token, Token));
        Assert.Equal("VIC@example.com", (await core.Members.PreviewAsync(second.Token, Token)).Email);
    }

    [Fact]
    public async Task TheInvitationSecretIsStoredOnlyAsAHash()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var created = await core.Members.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token);

        Assert.True(created.Token.Length >= 40, created.Token);
        await using var db = core.NewContext();
        var stored = await db.Invitations.AsNoTracking().SingleAsync(Token);
        Assert.Equal(64, stored.TokenHash.Length);
        var audit = string.Join("\n", (await core.AuditEntriesAsync()).Select(e => $"{e.EntityName} {e.Before} {e.After}"));
        foreach (var text in new[] { stored.TokenHash, audit })
        {
            Assert.DoesNotContain(created.Token[4..], text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("vic")]
    [InlineData("vic@localhost")]
    [InlineData("Vic <vic@example.com>")]
    [InlineData("vic@example.com, eve@example.com")]
    public async Task AnInvitationNeedsOneEmailAddress(string email)
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        var refused = await Assert.ThrowsAsync<ValidationException>(() => core.Members.InviteAsync(seeded.OrganisationId, email, cancellationToken: Token));

        Assert.Equal(["email"], refused.Errors.Keys);
        Assert.Empty(await core.Members.ListInvitationsAsync(seeded.OrganisationId, Token));
    }

    [Fact]
    public async Task AnInvitationsProjectMustBeTheOrganisationsAndComeWithARole()
    {
        await using var core = await CoreServices.CreateAsync();
        var acme = await core.SeedProjectAsync();
        var globex = await core.SeedProjectAsync();
        var owner = await AddPersonAsync(core, "olga@example.com", acme.OrganisationId, OrganisationRole.Owner);

        var foreign = await Assert.ThrowsAsync<ValidationException>(() => core.Members.InviteAsync(acme.OrganisationId, "vic@example.com", OrganisationRole.Member, globex.ProjectId, ProjectRole.Viewer, Token));
        var roleless = await Assert.ThrowsAsync<ValidationException>(() => core.Members.InviteAsync(acme.OrganisationId, "vic@example.com", OrganisationRole.Member, acme.ProjectId, null, Token));
        var member = await Assert.ThrowsAsync<ValidationException>(() => core.Members.InviteAsync(acme.OrganisationId, "OLGA@example.com", cancellationToken: Token));

        Assert.Equal(["projectId"], foreign.Errors.Keys);
        Assert.Equal(["projectRole"], roleless.Errors.Keys);
        Assert.Equal(["email"], member.Errors.Keys);
        Assert.NotNull(owner);
    }

    [Fact]
    public async Task AProjectAdminManagesTheProjectsRolesButNotTheOrganisation()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var other = await core.Projects.CreateAsync(seeded.OrganisationId, "Other", Token);
        var admin = await AddPersonAsync(core, "ada@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var max = await AddPersonAsync(core, "max@example.com", seeded.OrganisationId, OrganisationRole.Member);
        await core.Members.SetProjectRoleAsync(seeded.ProjectId, RoleHolder.Person(admin.UserId), ProjectRole.Admin, cancellationToken: Token);
        var asAdmin = core.As(admin).Members;

        var granted = await asAdmin.SetProjectRoleAsync(seeded.ProjectId, RoleHolder.Person(max.UserId), ProjectRole.Viewer, cancellationToken: Token);
        var changed = await asAdmin.ChangeProjectRoleAsync(granted.Id, ProjectRole.Editor, allEnvironments: false, [seeded.EnvironmentIds[0]], Token);

        Assert.Equal((ProjectRole.Editor, false), (changed.Role, changed.AllEnvironments));
        Assert.Equal([seeded.EnvironmentIds[0]], changed.StateEnvironmentIds);
        await Assert.ThrowsAsync<ForbiddenException>(() => asAdmin.SetProjectRoleAsync(other.Id, RoleHolder.Person(max.UserId), ProjectRole.Viewer, cancellationToken: Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => asAdmin.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token));
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(max).Members.RevokeProjectRoleAsync(granted.Id, Token));
        await asAdmin.RevokeProjectRoleAsync(granted.Id, Token);
        Assert.Equal([admin.UserId], (await core.Members.ListProjectRolesAsync(seeded.ProjectId, Token)).Select(r => r.UserId));
        var audited = (await core.AuditEntriesAsync()).Where(e => e.EntityType == "ProjectRoleGrant" && e.Actor == "ada@example.com").ToList();
        Assert.Equal(3, audited.Count);
        Assert.All(audited, e => Assert.Equal((seeded.OrganisationId, seeded.ProjectId), (e.OrganisationId!.Value, e.ProjectId!.Value)));
    }

    [Fact]
    public async Task AnEditorChangesStatesOnlyInTheProjectEnvironmentsTheRoleNames()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var elsewhere = await core.SeedProjectAsync("Staging");
        var editor = await AddPersonAsync(core, "ed@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var (development, production) = (seeded.EnvironmentIds[0], seeded.EnvironmentIds[1]);

        var foreign = await Assert.ThrowsAsync<ValidationException>(() => core.Members.SetProjectRoleAsync(
            seeded.ProjectId, RoleHolder.Person(editor.UserId), ProjectRole.Editor, allEnvironments: false, [development, elsewhere.EnvironmentIds[0]], Token));
        Assert.Equal(["stateEnvironmentIds"], foreign.Errors.Keys);
        await core.Members.SetProjectRoleAsync(seeded.ProjectId, RoleHolder.Person(editor.UserId), ProjectRole.Editor, allEnvironments: false, [development], Token);

        var access = core.As(editor).Access;
        Assert.True(await access.CanAsync(Permission.ChangeStates, OwnedResource.Environment, development, Token));
        Assert.False(await access.CanAsync(Permission.ChangeStates, OwnedResource.Environment, production, Token));
        Assert.True(await access.CanAsync(Permission.EditProject, OwnedResource.Project, seeded.ProjectId, Token));
        Assert.False(await access.CanAsync(Permission.ManageProject, OwnedResource.Project, seeded.ProjectId, Token));
    }

    [Fact]
    public async Task GroupsHoldOnlyTheOrganisationsPeopleAndGiveThemTheGroupsRolesUntilDeleted()
    {
        await using var core = await CoreServices.CreateAsync();
        var acme = await core.SeedProjectAsync();
        var globex = await core.SeedProjectAsync();
        var max = await AddPersonAsync(core, "max@example.com", acme.OrganisationId, OrganisationRole.Member);
        var eve = await AddPersonAsync(core, "eve@example.com", globex.OrganisationId, OrganisationRole.Member);
        var group = await core.Members.CreateGroupAsync(acme.OrganisationId, "Mobile", Token);

        var outsider = await Assert.ThrowsAsync<ValidationException>(() => core.Members.AddToGroupAsync(group.Id, eve.UserId, Token));
        var duplicate = await Assert.ThrowsAsync<ValidationException>(() => core.Members.CreateGroupAsync(acme.OrganisationId, "Mobile", Token));
        var foreignGroup = await Assert.ThrowsAsync<ValidationException>(() => core.Members.SetProjectRoleAsync(globex.ProjectId, RoleHolder.Group(group.Id), ProjectRole.Viewer, cancellationToken: Token));
        Assert.Equal(["userId"], outsider.Errors.Keys);
        Assert.Equal(["name"], duplicate.Errors.Keys);
        Assert.Equal(["groupId"], foreignGroup.Errors.Keys);

        await core.Members.AddToGroupAsync(group.Id, max.UserId, Token);
        await core.Members.SetProjectRoleAsync(acme.ProjectId, RoleHolder.Group(group.Id), ProjectRole.Viewer, cancellationToken: Token);
        Assert.Equal(acme.ProjectId, (await core.As(max).Projects.GetAsync(acme.ProjectId, Token)).Id);
        Assert.Equal("Apps", (await core.Members.RenameGroupAsync(group.Id, "Apps", Token)).Name);
        var listed = Assert.Single(await core.Members.ListGroupsAsync(acme.OrganisationId, Token));
        Assert.Equal(("Apps", acme.ProjectId), (listed.Name, Assert.Single(listed.ProjectRoles).ProjectId));
        Assert.Equal([new PersonReference(max.UserId, "max@example.com")], listed.Members);

        await core.Members.RemoveFromGroupAsync(group.Id, max.UserId, Token);
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(max).Projects.GetAsync(acme.ProjectId, Token));
        await core.Members.AddToGroupAsync(group.Id, max.UserId, Token);
        await core.Members.DeleteGroupAsync(group.Id, Token);
        await Assert.ThrowsAsync<ForbiddenException>(() => core.As(max).Projects.GetAsync(acme.ProjectId, Token));
        Assert.All((await core.AuditEntriesAsync()).Where(e => e.EntityType == "AccessGroup"), e => Assert.Equal(acme.OrganisationId, e.OrganisationId));
        Assert.Equal(6, (await core.AuditEntriesAsync()).Count(e => e.EntityType == "AccessGroup"));
    }

    internal static async Task<AccessSubject.Person> AddPersonAsync(CoreServices core, string email, int? organisationId, OrganisationRole role, DateTimeOffset? lastSignIn = null)
    {
        await using var db = core.NewContext();
        var user = new DashboardUser
        {
            UserName = email,
            NormalizedUserName = email.ToUpperInvariant(),
            Email = email,
            NormalizedEmail = email.ToUpperInvariant(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            CreatedAt = core.Clock.Now,
            LastSignInAt = lastSignIn,
        };
        db.Users.Add(user);
        await db.SaveChangesAsync(Token);
        if (organisationId is { } id)
        {
            await AddMembershipAsync(core, user.Id, id, role);
        }

        return new AccessSubject.Person(user.Id, email);
    }

    private static async Task AddMembershipAsync(CoreServices core, string userId, int organisationId, OrganisationRole role)
    {
        await using var db = core.NewContext();
        db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisationId, UserId = userId, Role = role, JoinedAt = core.Clock.Now });
        await db.SaveChangesAsync(Token);
    }

    private static async Task<string?> SecurityStampAsync(CoreServices core, string userId)
    {
        await using var db = core.NewContext();
        return await db.Users.Where(u => u.Id == userId).Select(u => u.SecurityStamp).SingleAsync(Token);
    }
}
