using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Users;

namespace FlagDashboard.Tests.Access;

/// <summary>
/// Every role against every kind of change, through the Core services that the pages and the admin API both call.
/// Each row of <see cref="Expected"/> is what the role may do, written out by hand from the issue: a cell that the
/// access rule gets wrong fails the test and is named in the message.
/// </summary>
public sealed class PermissionMatrixTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private const string Everything = "read,read history,rename organisation,create API key,create project,rename project,create environment,create server-side key,"
        + "create feature,archive feature,create segment,create identity,set trait,switch in Development,switch in Production,"
        + "segment override in Production,identity override in Production,schedule in Production,restore version in Production,approve in Production,commit in Production";

    private const string ProjectAdmin = "read,read history,rename project,create environment,create server-side key,create feature,archive feature,create segment,"
        + "create identity,set trait,switch in Development,switch in Production,segment override in Production,identity override in Production,"
        + "schedule in Production,restore version in Production,approve in Production,commit in Production";

    // An Editor who may change states in an environment reviews (approves) others' change requests there; committing is for project Admins and Owners.
    private const string Editor = "read,read history,create feature,archive feature,create segment,create identity,set trait,switch in Development,switch in Production,"
        + "segment override in Production,identity override in Production,schedule in Production,restore version in Production,approve in Production";

    public static TheoryData<string, string> Expected => new()
    {
        { "administrator", Everything },
        { "owner", Everything },
        { "project admin", ProjectAdmin },
        { "editor", Editor },
        { "editor through a group", Editor },
        { "editor kept out of Production", "read,read history,create feature,archive feature,create segment,create identity,set trait,switch in Development" },
        { "viewer", "read,read history" },
        { "member without a role", "" },
        { "person of another organisation", "" },
        { "owner API key", Everything },
        { "viewer API key", "read,read history" },
        { "owner API key of the project", ProjectAdmin },
        { "viewer API key of another project", "" },
        { "nobody signed in", "" },
    };

    [Theory]
    [MemberData(nameof(Expected))]
    public async Task EachRoleMayDoExactlyWhatItsRoleAllows(string role, string allowed)
    {
        await using var core = await CoreServices.CreateAsync("operator");
        var world = await World.CreateAsync(core);
        var acting = core.As(await world.SubjectAsync(role));
        var expected = allowed.Split(',', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);

        var wrong = new List<string>();
        foreach (var (name, change) in world.Changes(acting))
        {
            var outcome = await OutcomeAsync(change);
            var shouldPass = expected.Remove(name);
            if (shouldPass && outcome is not null)
            {
                wrong.Add($"{name}: refused ({outcome.GetType().Name}: {outcome.Message})");
            }
            else if (!shouldPass && outcome is not ForbiddenException)
            {
                wrong.Add($"{name}: {(outcome is null ? "allowed" : $"refused with {outcome.GetType().Name} instead of ForbiddenException")}");
            }
        }

        Assert.Empty(expected); // every change named in the table exists
        Assert.True(wrong.Count == 0, $"{role}: {string.Join("; ", wrong)}");
    }

    [Fact]
    public async Task AViewerSeesOnlyTheProjectTheyHoldARoleInAndTheOrganisationsTheyBelongTo()
    {
        await using var core = await CoreServices.CreateAsync("operator");
        var world = await World.CreateAsync(core);
        await core.Organisations.CreateAsync("Globex", Token);
        var viewer = core.As(await world.SubjectAsync("viewer"));

        Assert.Equal(["Acme"], (await viewer.Organisations.ListAsync(Token)).Select(o => o.Name));
        Assert.Equal(["Shop"], (await viewer.Projects.ListAsync(cancellationToken: Token)).Select(p => p.Name));
        Assert.Equal(["Other", "Shop"], (await core.Projects.ListAsync(world.OrganisationId, Token)).Select(p => p.Name).Order());
        await Assert.ThrowsAsync<ForbiddenException>(() => viewer.Features.ListAsync(world.OtherProjectId, cancellationToken: Token));
    }

    [Fact]
    public async Task TheAuditLogShowsAMemberOnlyTheirProjectsAndTheOrganisationsChanges()
    {
        await using var core = await CoreServices.CreateAsync("operator");
        var world = await World.CreateAsync(core);
        await core.Features.CreateAsync(world.OtherProjectId, new FeatureInput("secret_plan"), Token);
        var viewer = core.As(await world.SubjectAsync("viewer"));

        var seen = (await viewer.Audit.QueryAsync(new Core.Audit.AuditFilter(), 0, 500, Token)).Items;
        Assert.Contains(seen, a => a.EntityName == "banner");
        Assert.DoesNotContain(seen, a => a.EntityName == "secret_plan");
        Assert.DoesNotContain(seen, a => a.ProjectId == world.OtherProjectId);
        Assert.Contains((await core.Audit.QueryAsync(new Core.Audit.AuditFilter(), 0, 500, Token)).Items, a => a.EntityName == "secret_plan");
    }

    [Fact]
    public async Task RightsAreReadOnEveryCallSoARemovedGrantStopsTheNextChange()
    {
        await using var core = await CoreServices.CreateAsync("operator");
        var world = await World.CreateAsync(core);
        var editor = core.As(await world.SubjectAsync("editor"));
        await editor.Features.CreateAsync(world.ProjectId, new FeatureInput("first"), Token);

        await using (var db = core.NewContext())
        {
            db.ProjectRoleGrants.RemoveRange(db.ProjectRoleGrants.Where(g => g.User!.Email == "editor@example.com"));
            await db.SaveChangesAsync(Token);
        }

        await Assert.ThrowsAsync<ForbiddenException>(() => editor.Features.CreateAsync(world.ProjectId, new FeatureInput("second"), Token));
    }

    private static async Task<Exception?> OutcomeAsync(Func<Task> change)
    {
        try
        {
            await change();
            return null;
        }
        catch (Exception exception) when (exception is ForbiddenException or NotFoundException or ValidationException or ConcurrencyConflictException)
        {
            return exception;
        }
    }

    /// <summary>Acme with two projects (Shop: Development and Production; Other), a feature, a segment, an identity, and a person per role.</summary>
    private sealed class World
    {
        private readonly CoreServices _core;
        private readonly Dictionary<string, int> _environments = [];
        private int _featureId;
        private int _segmentId;
        private int _identityId;
        private int _counter;

        private World(CoreServices core) => _core = core;

        public int OrganisationId { get; private set; }

        public int ProjectId { get; private set; }

        public int OtherProjectId { get; private set; }

        public static async Task<World> CreateAsync(CoreServices core)
        {
            var world = new World(core);
            var acme = await core.Organisations.CreateAsync("Acme", Token);
            var shop = await core.Projects.CreateAsync(acme.Id, "Shop", Token);
            var other = await core.Projects.CreateAsync(acme.Id, "Other", Token);
            foreach (var name in new[] { "Development", "Production" })
            {
                world._environments[name] = (await core.Environments.CreateAsync(shop.Id, name, Token)).Id;
            }

            world._featureId = (await core.Features.CreateAsync(shop.Id, new FeatureInput("banner"), Token)).Id;
            world._segmentId = (await core.Segments.CreateAsync(shop.Id, new SegmentInput("beta", null, []), Token)).Id;
            world._identityId = (await core.Identities.CreateAsync(world._environments["Production"], "alice", Token)).Id;
            world.OrganisationId = acme.Id;
            world.ProjectId = shop.Id;
            world.OtherProjectId = other.Id;
            return world;
        }

        public async Task<AccessSubject> SubjectAsync(string role)
        {
            var development = _environments["Development"];
            return role switch
            {
                "administrator" => await PersonAsync("admin", null, null, administrator: true),
                "owner" => await PersonAsync("owner", OrganisationRole.Owner, null),
                "project admin" => await PersonAsync("admin-of-shop", OrganisationRole.Member, new ProjectRoleGrant { ProjectId = ProjectId, Role = ProjectRole.Admin }),
                "editor" => await PersonAsync("editor", OrganisationRole.Member, new ProjectRoleGrant { ProjectId = ProjectId, Role = ProjectRole.Editor }),
                "editor through a group" => await GroupEditorAsync(),
                "editor kept out of Production" => await PersonAsync("careful", OrganisationRole.Member, new ProjectRoleGrant
                {
                    ProjectId = ProjectId,
                    Role = ProjectRole.Editor,
                    AllEnvironments = false,
                    StateEnvironments = [new ProjectRoleEnvironment { EnvironmentId = development }],
                }),
                "viewer" => await PersonAsync("viewer", OrganisationRole.Member, new ProjectRoleGrant { ProjectId = ProjectId, Role = ProjectRole.Viewer }),
                "member without a role" => await PersonAsync("member", OrganisationRole.Member, null),
                "person of another organisation" => await OtherOrganisationPersonAsync(),
                "owner API key" => new AccessSubject.ApiKey(1, "ci", OrganisationId, ApiKeyRole.Owner, null),
                "viewer API key" => new AccessSubject.ApiKey(2, "dashboards", OrganisationId, ApiKeyRole.Viewer, null),
                "owner API key of the project" => new AccessSubject.ApiKey(3, "shop-ci", OrganisationId, ApiKeyRole.Owner, ProjectId),
                "viewer API key of another project" => new AccessSubject.ApiKey(4, "other", OrganisationId, ApiKeyRole.Viewer, OtherProjectId),
                "nobody signed in" => new AccessSubject.Anonymous(),
                _ => throw new ArgumentOutOfRangeException(nameof(role)),
            };
        }

        /// <summary>The changes, each named as in <see cref="Expected"/>, made by the acting services; versions are read fresh by the operator.</summary>
        public IEnumerable<(string Name, Func<Task> Change)> Changes(CoreServices acting)
        {
            var development = _environments["Development"];
            var production = _environments["Production"];
            yield return ("read", () => acting.Features.ListAsync(ProjectId, cancellationToken: Token));
            yield return ("read history", () => acting.Versions.ListAsync(_featureId, production, Token));
            yield return ("rename organisation", async () =>
                await acting.Organisations.RenameAsync(OrganisationId, $"Acme {Next()}", (await _core.Organisations.GetAsync(OrganisationId, Token)).Version, Token));
            yield return ("create API key", () => acting.ApiKeys.CreateAsync(OrganisationId, $"key {Next()}", cancellationToken: Token));
            yield return ("create project", () => acting.Projects.CreateAsync(OrganisationId, $"Project {Next()}", Token));
            yield return ("rename project", async () =>
                await acting.Projects.UpdateAsync(ProjectId, new ProjectSettings($"Shop {Next()}", false), (await _core.Projects.GetAsync(ProjectId, Token)).Version, Token));
            yield return ("create environment", () => acting.Environments.CreateAsync(ProjectId, $"Staging {Next()}", Token));
            yield return ("create server-side key", () => acting.Environments.CreateServerSideKeyAsync(production, $"server {Next()}", Token));
            yield return ("create feature", () => acting.Features.CreateAsync(ProjectId, new FeatureInput($"feature_{Next()}"), Token));
            yield return ("archive feature", async () =>
            {
                var feature = await _core.Features.GetAsync(_featureId, Token);
                await acting.Features.SetArchivedAsync(_featureId, !feature.IsArchived, feature.Version, Token);
            });
            yield return ("create segment", () => acting.Segments.CreateAsync(ProjectId, new SegmentInput($"segment {Next()}", null, []), Token));
            yield return ("create identity", () => acting.Identities.CreateAsync(development, $"user-{Next()}", Token));
            yield return ("set trait", () => acting.Identities.SetTraitAsync(_identityId, "plan", FlagValue.FromString($"gold {Next()}"), Token));
            yield return ("switch in Development", () => SwitchAsync(acting, development));
            yield return ("switch in Production", () => SwitchAsync(acting, production));
            yield return ("segment override in Production", async () =>
            {
                var state = await acting.Segments.CreateOverrideAsync(production, _featureId, _segmentId, true, FlagValue.None, Token);
                await _core.Segments.DeleteOverrideAsync(state.Id, Token);
            });
            yield return ("schedule in Production", () =>
                acting.ChangeRequests.ScheduleStateAsync(_featureId, production, true, FlagValue.FromString(Next()), _core.Clock.GetUtcNow().AddHours(1), cancellationToken: Token));
            yield return ("restore version in Production", () => acting.Versions.RestoreAsync(_featureId, production, 1, cancellationToken: Token));
            yield return ("approve in Production", async () => await acting.ChangeRequests.ApproveAsync(await OpenRequestAsync(production), Token));
            yield return ("commit in Production", async () =>
            {
                var id = await OpenRequestAsync(production);
                await _core.As($"reviewer {Next()}").ChangeRequests.ApproveAsync(id, Token);
                await acting.ChangeRequests.CommitAsync(id, Token);
            });
            yield return ("identity override in Production", () => acting.Identities.SetOverrideAsync(_identityId, _featureId, true, FlagValue.FromString(Next()), Token));
        }

        /// <summary>A change request opened by someone else (the operator), so that the acting subject is never its author.</summary>
        private async Task<int> OpenRequestAsync(int environmentId)
        {
            var versions = await _core.Versions.ListAsync(_featureId, environmentId, Token);
            var live = (await _core.Versions.GetAsync(_featureId, environmentId, versions[0].Number, Token)).States;
            var request = await _core.As($"author {Next()}").ChangeRequests.CreateAsync(_featureId, environmentId,
                new Core.ChangeRequests.ChangeRequestInput($"Change {Next()}", null, live with { Value = FlagValue.FromString(Next()).ToJson() }, versions[0].Number), Token);
            return request.Summary.Id;
        }

        private async Task SwitchAsync(CoreServices acting, int environmentId)
        {
            var state = (await _core.Features.ListStatesAsync(environmentId, includeArchived: true, Token)).Single(s => s.Feature.Id == _featureId);
            await acting.Features.UpdateStateAsync(state.StateId, !state.Enabled, state.Value, state.StateVersion, Token);
        }

        private string Next() => (++_counter).ToString(System.Globalization.CultureInfo.InvariantCulture);

        private async Task<AccessSubject> PersonAsync(string name, OrganisationRole? role, ProjectRoleGrant? grant, bool administrator = false)
        {
            var user = await NewUserAsync(name, administrator);
            await using var db = _core.NewContext();
            if (role is { } organisationRole)
            {
                db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = OrganisationId, UserId = user.Id, Role = organisationRole });
            }

            if (grant is not null)
            {
                grant.UserId = user.Id;
                db.ProjectRoleGrants.Add(grant);
            }

            await db.SaveChangesAsync(Token);
            return new AccessSubject.Person(user.Id, user.Email!);
        }

        private async Task<AccessSubject> GroupEditorAsync()
        {
            var user = await NewUserAsync("grouped", administrator: false);
            await using var db = _core.NewContext();
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = OrganisationId, UserId = user.Id, Role = OrganisationRole.Member });
            var group = new AccessGroup { OrganisationId = OrganisationId, Name = "Web team", Members = [new AccessGroupMember { UserId = user.Id }] };
            db.AccessGroups.Add(group);
            await db.SaveChangesAsync(Token);
            db.ProjectRoleGrants.Add(new ProjectRoleGrant { ProjectId = ProjectId, GroupId = group.Id, Role = ProjectRole.Editor });
            await db.SaveChangesAsync(Token);
            return new AccessSubject.Person(user.Id, user.Email!);
        }

        /// <summary>The Owner of Globex, with every right there and none in Acme.</summary>
        private async Task<AccessSubject> OtherOrganisationPersonAsync()
        {
            var globex = await _core.Organisations.CreateAsync("Globex", Token);
            var user = await NewUserAsync("stranger", administrator: false);
            await using var db = _core.NewContext();
            db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = globex.Id, UserId = user.Id, Role = OrganisationRole.Owner });
            await db.SaveChangesAsync(Token);
            return new AccessSubject.Person(user.Id, user.Email!);
        }

        private async Task<DashboardUser> NewUserAsync(string name, bool administrator)
        {
            var email = $"{name}@example.com";
            var user = new DashboardUser
            {
                UserName = email,
                NormalizedUserName = email.ToUpperInvariant(),
                Email = email,
                NormalizedEmail = email.ToUpperInvariant(),
                EmailConfirmed = true,
                SecurityStamp = Guid.NewGuid().ToString(),
                IsAdministrator = administrator,
            };
            await using var db = _core.NewContext();
            db.Users.Add(user);
            await db.SaveChangesAsync(Token);
            return user;
        }
    }
}
