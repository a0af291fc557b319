using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Projects;

public sealed class ProjectServiceTests
{
    [Fact]
    public async Task ProjectNamesAreUniqueWithinAnOrganisationOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var first = await core.Organisations.CreateAsync("Acme", Token);
        var second = await core.Organisations.CreateAsync("Globex", Token);
        await core.Projects.CreateAsync(first.Id, "Shop", Token);

        await core.Projects.CreateAsync(second.Id, "Shop", Token);
        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Projects.CreateAsync(first.Id, "Shop", Token));

        Assert.Contains("name", error.Errors.Keys);
        Assert.Single(await core.Projects.ListAsync(first.Id, Token));
    }

    [Fact]
    public async Task RenamingAProjectToATakenNameFailsOnTheNameField()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);
        await core.Projects.CreateAsync(organisation.Id, "Shop", Token);
        var blog = await core.Projects.CreateAsync(organisation.Id, "Blog", Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Projects.UpdateAsync(blog.Id, new ProjectSettings("Shop", false), blog.Version, Token));

        Assert.Contains("name", error.Errors.Keys);
    }

    [Fact]
    public async Task ASecondEditFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var project = await core.Projects.GetAsync(seeded.ProjectId, Token);

        var first = await core.Projects.UpdateAsync(project.Id, new ProjectSettings("Shop", HideDisabledFlags: true), project.Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            core.Projects.UpdateAsync(project.Id, new ProjectSettings("Store", HideDisabledFlags: false), project.Version, Token));

        var stored = await core.Projects.GetAsync(project.Id, Token);
        Assert.Equal("Shop", stored.Name);
        Assert.True(stored.HideDisabledFlags);
        Assert.Equal(project.Version + 1, first.Version);
        Assert.Equal(project.Version + 1, stored.Version);
    }

    [Fact]
    public async Task EverySaveRaisesTheVersionByOne()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();

        for (var expected = 0; expected < 3; expected++)
        {
            Assert.Equal(expected, (await core.Projects.GetAsync(seeded.ProjectId, Token)).Version);
            await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings($"Shop {expected}", expected % 2 == 0), expected, Token);
        }

        Assert.Equal(3, (await core.Projects.GetAsync(seeded.ProjectId, Token)).Version);
    }

    [Fact]
    public async Task ChangingProjectSettingsTouchesEveryEnvironmentOfThatProjectOnly()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Development", "Production");
        var other = await core.SeedProjectAsync("Other");
        var start = core.Clock.Now;

        var later = core.Clock.Advance(TimeSpan.FromMinutes(3));
        await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Shop", HideDisabledFlags: true), 0, Token);

        foreach (var id in seeded.EnvironmentIds)
        {
            var environment = await core.EnvironmentRowAsync(id);
            Assert.Equal(later, environment.DocumentUpdatedAt);
            Assert.Equal(0, environment.Version);
        }

        Assert.Equal(start, (await core.EnvironmentRowAsync(other.EnvironmentIds[0])).DocumentUpdatedAt);
    }

    [Fact]
    public async Task AnUpdateIsAuditedWithTheSettingsBeforeAndAfter()
    {
        await using var core = await CoreServices.CreateAsync("carol");
        var seeded = await core.SeedProjectAsync();

        await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Store", HideDisabledFlags: true), 0, Token);

        var entry = (await core.AuditEntriesAsync()).Last();
        Assert.Equal(AuditAction.Updated, entry.Action);
        Assert.Equal("carol", entry.Actor);
        Assert.Equal("Project", entry.EntityType);
        Assert.Equal("Store", entry.EntityName);
        Assert.Equal(seeded.OrganisationId, entry.OrganisationId);
        Assert.Equal(seeded.ProjectId, entry.ProjectId);
        Assert.Contains("\"name\":\"Shop\",\"hideDisabledFlags\":false", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"name\":\"Store\",\"hideDisabledFlags\":true", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheStaleThresholdIsThirtyDaysUntilSetIsBoundedKeptOnRenameAndAudited()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        Assert.Equal(30, (await core.Projects.GetAsync(seeded.ProjectId, Token)).StaleFlagDays);

        foreach (var days in new[] { 0, 3651 })
        {
            var error = await Assert.ThrowsAsync<ValidationException>(() => core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Shop", false, days), 0, Token));
            Assert.Contains("staleFlagDays", error.Errors.Keys);
        }

        await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Shop", false, StaleFlagDays: 90), 0, Token);
        var renamed = await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Store", false), 1, Token);

        Assert.Equal(90, renamed.StaleFlagDays);
        Assert.Equal(90, Assert.Single(await core.Projects.ListAsync(seeded.OrganisationId, Token)).StaleFlagDays);
        var entry = (await core.AuditEntriesAsync()).First(e => e.EntityType == "Project" && e.Action == AuditAction.Updated);
        Assert.Contains("\"staleFlagDays\":30", entry.Before, StringComparison.Ordinal);
        Assert.Contains("\"staleFlagDays\":90", entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheProjectListCountsArchivedFeaturesApartFromTheFeaturesInUse()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("search"), Token);
        var legacy = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("legacy_checkout"), Token);

        await core.Features.SetArchivedAsync(legacy.Id, true, legacy.Version, Token);

        var project = Assert.Single(await core.Projects.ListAsync(seeded.OrganisationId, Token));
        Assert.Equal(2, project.FeatureCount);
        Assert.Equal(1, project.ArchivedFeatureCount);
    }

    [Fact]
    public async Task DeletingAProjectDeletesItsEnvironmentsFeaturesAndSegments()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync();
        var kept = await core.Projects.CreateAsync(seeded.OrganisationId, "Kept", Token);
        await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        await core.Segments.CreateAsync(seeded.ProjectId, new SegmentInput("beta", null, []), Token);

        await core.Projects.DeleteAsync(seeded.ProjectId, Token);

        await using var db = core.NewContext();
        Assert.Empty(db.Environments);
        Assert.Empty(db.Features);
        Assert.Empty(db.FeatureStates);
        Assert.Empty(db.Segments);
        Assert.Equal([kept.Id], db.Projects.Select(p => p.Id));
    }
}
