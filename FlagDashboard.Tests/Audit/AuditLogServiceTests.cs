using System.Globalization;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Audit;

public sealed class AuditLogServiceTests
{
    [Fact]
    public async Task CreateUpdateAndDeleteEachLeaveAnEntryWithTheRightSnapshots()
    {
        await using var core = await CoreServices.CreateAsync("erin");
        var seeded = await core.SeedProjectAsync();
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, new("beta", "first", []), Token);
        await core.Segments.UpdateAsync(segment.Id, new("beta", "second", []), segment.Version, Token);
        await core.Segments.DeleteAsync(segment.Id, Token);

        var page = await core.Audit.QueryAsync(new AuditFilter(EntityType: "Segment"), 0, 10, Token);

        Assert.Equal([AuditAction.Deleted, AuditAction.Updated, AuditAction.Created], page.Items.Select(e => e.Action));
        Assert.All(page.Items, e =>
        {
            Assert.Equal("erin", e.Actor);
            Assert.Equal(segment.Id.ToString(CultureInfo.InvariantCulture), e.EntityId);
            Assert.Equal("beta", e.EntityName);
            Assert.Equal((seeded.OrganisationId, seeded.ProjectId), (e.OrganisationId, e.ProjectId));
        });
        var (deleted, updated, created) = (page.Items[0], page.Items[1], page.Items[2]);
        Assert.Null(created.Before);
        Assert.Contains("\"description\":\"first\"", created.After, StringComparison.Ordinal);
        Assert.Contains("\"description\":\"first\"", updated.Before, StringComparison.Ordinal);
        Assert.Contains("\"description\":\"second\"", updated.After, StringComparison.Ordinal);
        Assert.Contains("\"description\":\"second\"", deleted.Before, StringComparison.Ordinal);
        Assert.Null(deleted.After);
    }

    [Fact]
    public async Task AnActorOrNameLongerThanItsColumnIsShortenedRatherThanFailingTheChange()
    {
        var actor = "api-key:" + new string('k', 250);
        await using var core = await CoreServices.CreateAsync(actor);
        var seeded = await core.SeedProjectAsync();

        var segment = await core.Segments.CreateAsync(seeded.ProjectId, new("beta", null, []), Token);

        var entry = Assert.Single((await core.Audit.QueryAsync(new AuditFilter(EntityType: "Segment"), 0, 10, Token)).Items);
        Assert.Equal(segment.Id.ToString(CultureInfo.InvariantCulture), entry.EntityId);
        Assert.Equal(200, entry.Actor.Length);
        Assert.StartsWith("api-key:kkk", entry.Actor, StringComparison.Ordinal);
        Assert.EndsWith("…", entry.Actor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AStateChangeIsAuditedInItsEnvironmentWithEnabledAndValueBeforeAndAfter()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);

        await core.As("frank").Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("on"), state.Version, Token);

        var entry = Assert.Single((await core.Audit.QueryAsync(new AuditFilter(EnvironmentId: seeded.EnvironmentIds[0], EntityType: "FeatureState"), 0, 10, Token)).Items);
        Assert.Equal("frank", entry.Actor);
        Assert.Equal("checkout in Production", entry.EntityName);
        Assert.Contains("\"enabled\":false,\"value\":\"null\"", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"enabled\":true,\"value\":\"\\\"on\\\"\"", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCreationAndDeletionOfAnIdentityAreAuditedUnderOneEntityId()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var identifier = "user-" + new string('x', 60);
        var identity = await core.Identities.CreateAsync(seeded.EnvironmentIds[0], identifier, Token);

        await core.Identities.DeleteAsync(identity.Id, Token);

        var entries = (await core.Audit.QueryAsync(new AuditFilter(EntityType: "Identity"), 0, 10, Token)).Items;
        Assert.Equal([AuditAction.Deleted, AuditAction.Created], entries.Select(e => e.Action));
        Assert.All(entries, e => Assert.Equal(identity.Id.ToString(CultureInfo.InvariantCulture), e.EntityId));
        Assert.All(entries, e => Assert.Equal(identifier, e.EntityName));
    }

    [Fact]
    public async Task TheCreationAndRevocationOfAServerSideKeyAreAuditedUnderOneEntityId()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var key = await core.Environments.CreateServerSideKeyAsync(seeded.EnvironmentIds[0], "CI", Token);

        await core.Environments.RevokeServerSideKeyAsync(key.Id, Token);

        var entries = (await core.Audit.QueryAsync(new AuditFilter(EntityType: "ServerSideKey"), 0, 10, Token)).Items;
        Assert.Equal(2, entries.Count);
        Assert.All(entries, e => Assert.Equal(key.Id.ToString(CultureInfo.InvariantCulture), e.EntityId));
        Assert.All(entries, e => Assert.DoesNotContain(key.Key, e.After, StringComparison.Ordinal));
    }

    [Fact]
    public async Task QueryFiltersByEntityTypeAndActor()
    {
        await using var core = await CoreServices.CreateAsync("alice");
        var seeded = await core.SeedProjectAsync();
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("by-alice"), Token);
        await core.As("bob").Features.CreateAsync(seeded.ProjectId, new FeatureInput("by-bob"), Token);
        await core.As("bob").Segments.CreateAsync(seeded.ProjectId, new("bob-segment", null, []), Token);

        var features = await core.Audit.QueryAsync(new AuditFilter(EntityType: "Feature"), 0, 10, Token);
        var byBob = await core.Audit.QueryAsync(new AuditFilter(Actor: "bob"), 0, 10, Token);
        var featuresByBob = await core.Audit.QueryAsync(new AuditFilter(EntityType: "Feature", Actor: "bob"), 0, 10, Token);

        Assert.Equal(["by-bob", "by-alice"], features.Items.Select(e => e.EntityName));
        Assert.Equal(["bob-segment", "by-bob"], byBob.Items.Select(e => e.EntityName));
        Assert.Equal(["by-bob"], featuresByBob.Items.Select(e => e.EntityName));
        Assert.Equal((2, 2, 1), (features.TotalCount, byBob.TotalCount, featuresByBob.TotalCount));
    }

    [Fact]
    public async Task QueryFiltersByADateRangeIncludingItsStartAndExcludingItsEnd()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisations = new List<(string Name, DateTimeOffset At)>();
        for (var hour = 0; hour < 5; hour++)
        {
            var at = core.Clock.Advance(TimeSpan.FromHours(1));
            organisations.Add(($"Org {hour}", at));
            await core.Organisations.CreateAsync($"Org {hour}", Token);
        }

        var page = await core.Audit.QueryAsync(new AuditFilter(From: organisations[1].At, To: organisations[3].At), 0, 10, Token);
        var fromOnly = await core.Audit.QueryAsync(new AuditFilter(From: organisations[3].At), 0, 10, Token);
        var toOnly = await core.Audit.QueryAsync(new AuditFilter(To: organisations[1].At.AddMilliseconds(1)), 0, 10, Token);

        Assert.Equal(["Org 2", "Org 1"], page.Items.Select(e => e.EntityName));
        Assert.Equal(["Org 4", "Org 3"], fromOnly.Items.Select(e => e.EntityName));
        Assert.Equal(["Org 1", "Org 0"], toOnly.Items.Select(e => e.EntityName));
    }

    [Fact]
    public async Task ADateRangeGivenInAnotherTimeZoneMeansTheSameInstants()
    {
        await using var core = await CoreServices.CreateAsync();
        var times = new List<DateTimeOffset>();
        for (var hour = 0; hour < 4; hour++)
        {
            times.Add(core.Clock.Advance(TimeSpan.FromHours(1)));
            await core.Organisations.CreateAsync($"Org {hour}", Token);
        }

        var berlin = TimeSpan.FromHours(2);
        var page = await core.Audit.QueryAsync(new AuditFilter(From: times[1].ToOffset(berlin), To: times[3].ToOffset(berlin)), 0, 10, Token);

        Assert.Equal(["Org 2", "Org 1"], page.Items.Select(e => e.EntityName));
    }

    [Fact]
    public async Task QueryPagesNewestFirstWithTheTotalOfTheWholeFilter()
    {
        await using var core = await CoreServices.CreateAsync();
        for (var i = 0; i < 7; i++)
        {
            core.Clock.Advance(TimeSpan.FromMinutes(1));
            await core.Organisations.CreateAsync($"Org {i}", Token);
        }

        var pages = new List<AuditPage>();
        for (var skip = 0; skip < 9; skip += 3)
        {
            pages.Add(await core.Audit.QueryAsync(new AuditFilter(EntityType: "Organisation"), skip, 3, Token));
        }

        Assert.All(pages, p => Assert.Equal(7, p.TotalCount));
        Assert.Equal(
            [["Org 6", "Org 5", "Org 4"], ["Org 3", "Org 2", "Org 1"], ["Org 0"]],
            pages.Select(p => p.Items.Select(e => e.EntityName).ToArray()));
    }

    [Fact]
    public async Task EntriesMadeInTheSameInstantComeNewestFirst()
    {
        await using var core = await CoreServices.CreateAsync();
        await core.Organisations.CreateAsync("First", Token);
        await core.Organisations.CreateAsync("Second", Token);

        var page = await core.Audit.QueryAsync(new AuditFilter(), 0, 10, Token);

        Assert.Equal(["Second", "First"], page.Items.Select(e => e.EntityName));
    }

    [Fact]
    public async Task QueryFiltersByOrganisation()
    {
        await using var core = await CoreServices.CreateAsync();
        var first = await core.SeedProjectAsync("Production");
        var second = await core.SeedProjectAsync("Production");

        var page = await core.Audit.QueryAsync(new AuditFilter(OrganisationId: second.OrganisationId), 0, 10, Token);

        Assert.Equal(["Environment", "Project", "Organisation"], page.Items.Select(e => e.EntityType));
        Assert.All(page.Items, e => Assert.Equal(second.OrganisationId, e.OrganisationId));
        Assert.NotEqual(first.OrganisationId, second.OrganisationId);
    }
}
