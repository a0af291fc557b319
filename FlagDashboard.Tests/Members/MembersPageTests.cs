using Bunit;
using FlagDashboard.Core.Access;
using FlagDashboard.Members;
using FlagDashboard.Tests.Access;
using FlagDashboard.Tests.Flags;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor;

namespace FlagDashboard.Tests.Members;

public sealed class MembersPageTests : DashboardComponentTest
{
    [Fact]
    public async Task AnOwnerGivesAPersonAnEditorRoleForOneEnvironmentAndTakesItAway()
    {
        var seeded = await Core.SeedProjectAsync("Development", "Production");
        var olga = await MembersServiceTests.AddPersonAsync(Core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        var max = await MembersServiceTests.AddPersonAsync(Core, "max@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var page = RenderAs(olga);
        page.WaitForElement("[data-testid=grant-submit]");

        await ChooseAsync(page, "grant-holder", $"u:{max.UserId}");
        await ChooseAsync(page, "grant-role", ProjectRole.Editor);
        await page.InvokeAsync(() => Find<MudCheckBox<bool>>(page, "grant-all-environments").Instance.ValueChanged.InvokeAsync(false));
        await page.InvokeAsync(() => Find<MudSelect<int>>(page, "grant-environments").Instance.SelectedValuesChanged.InvokeAsync(new List<int> { seeded.EnvironmentIds[0] }));
        await page.Find("[data-testid=grant-submit]").ClickAsync(new());

        var role = Assert.Single(await Core.Members.ListProjectRolesAsync(seeded.ProjectId, Token));
        Assert.Equal((max.UserId, ProjectRole.Editor, false), (role.UserId, role.Role, role.AllEnvironments));
        Assert.Equal([seeded.EnvironmentIds[0]], role.StateEnvironmentIds);
        page.WaitForAssertion(() => Assert.Contains("Shop: Editor (1 environment(s) for states)", page.Find("[data-testid=member-project-roles] [data-testid=project-role]").TextContent, StringComparison.Ordinal));

        await page.InvokeAsync(() => page.FindComponents<MudChip<string>>().Single(c => Equals(c.Instance.UserAttributes["data-testid"], "project-role")).Instance.OnClose.InvokeAsync(null));

        Assert.Empty(await Core.Members.ListProjectRolesAsync(seeded.ProjectId, Token));
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=project-role]")));
    }

    [Fact]
    public async Task AMemberSeesPeopleGroupsAndInvitationsWithoutTheOwnersActions()
    {
        var seeded = await Core.SeedProjectAsync();
        await MembersServiceTests.AddPersonAsync(Core, "olga@example.com", seeded.OrganisationId, OrganisationRole.Owner);
        var max = await MembersServiceTests.AddPersonAsync(Core, "max@example.com", seeded.OrganisationId, OrganisationRole.Member);
        var group = await Core.Members.CreateGroupAsync(seeded.OrganisationId, "Mobile", Token);
        await Core.Members.AddToGroupAsync(group.Id, max.UserId, Token);
        await Core.Members.InviteAsync(seeded.OrganisationId, "vic@example.com", cancellationToken: Token);

        var page = RenderAs(max);

        page.WaitForAssertion(() => Assert.Equal(["max@example.com", "olga@example.com"], page.FindAll("[data-testid=member-email]").Select(e => e.TextContent.Trim())));
        Assert.Equal("Mobile", page.Find("[data-testid=group-name]").TextContent.Trim());
        Assert.Equal("vic@example.com", page.Find("[data-testid=invitation-email]").TextContent.Trim());
        foreach (var action in new[] { "invite-submit", "remove-member", "member-role", "create-group", "delete-group", "add-group-member", "grant-submit", "revoke-invitation" })
        {
            Assert.True(page.FindAll($"[data-testid={action}]").Count == 0 || action == "member-role" && page.FindAll("[data-testid=member-role]").All(e => e.TagName == "SPAN"), $"A Member is shown {action}.");
        }
    }

    /// <summary>The page as the person sees it: every service acts as them.</summary>
    private IRenderedComponent<MembersPage> RenderAs(AccessSubject.Person person)
    {
        var asPerson = Core.As(person);
        Services.AddSingleton(asPerson.Organisations);
        Services.AddSingleton(asPerson.Projects);
        Services.AddSingleton(asPerson.Environments);
        Services.AddSingleton(asPerson.Members);
        Services.AddSingleton(asPerson.Access);
        Services.AddSingleton(new MemberInvitations(asPerson.Members, asPerson.Organisations, new InvitationEmail(new SmtpSender(Options.Create(new SmtpOptions())), NullLogger<InvitationEmail>.Instance)));
        return RenderInLayout<MembersPage>();
    }

    private static async Task ChooseAsync<T>(IRenderedComponent<MembersPage> page, string testId, T value) =>
        await page.InvokeAsync(() => Find<MudSelect<T>>(page, testId).Instance.ValueChanged.InvokeAsync(value));

    private static IRenderedComponent<TComponent> Find<TComponent>(IRenderedComponent<MembersPage> page, string testId)
        where TComponent : MudComponentBase =>
        page.FindComponents<TComponent>().Single(c => Equals(c.Instance.UserAttributes.GetValueOrDefault("data-testid"), testId));
}
