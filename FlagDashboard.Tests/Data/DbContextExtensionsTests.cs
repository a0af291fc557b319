using FlagDashboard.Core;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Data;

public sealed class DbContextExtensionsTests
{
    [Fact]
    public async Task ABrokenUniqueIndexBecomesAValidationErrorOnTheNamedField()
    {
        await using var core = await CoreServices.CreateAsync();
        await core.Organisations.CreateAsync("Acme", Token);
        await using var db = core.NewContext();
        db.Organisations.Add(new Organisation { Name = "Acme" });

        var error = await Assert.ThrowsAsync<ValidationException>(() => db.SaveOrConflictAsync("Organisation", "Acme", Token));

        Assert.Contains("name", error.Errors.Keys);
    }

    [Fact]
    public async Task AStaleVersionBecomesAConflictAndChangesNothing()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);
        await core.Organisations.RenameAsync(organisation.Id, "Acme Ltd", 0, Token);
        await using var db = core.NewContext();
        var stale = await db.Organisations.SingleAsync(o => o.Id == organisation.Id, Token);
        db.ExpectVersion(stale, 0);
        stale.Name = "Acme Inc";

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => db.SaveOrConflictAsync("Organisation", organisation.Id, Token));

        var stored = await core.Organisations.GetAsync(organisation.Id, Token);
        Assert.Equal(("Acme Ltd", 1), (stored.Name, stored.Version));
    }

    [Fact]
    public async Task ASaveAtTheExpectedVersionRaisesItEvenWhenNothingElseChanged()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);
        await using (var db = core.NewContext())
        {
            var current = await db.Organisations.SingleAsync(o => o.Id == organisation.Id, Token);
            db.ExpectVersion(current, 0);
            await db.SaveOrConflictAsync("Organisation", organisation.Id, Token);
        }

        Assert.Equal(1, (await core.Organisations.GetAsync(organisation.Id, Token)).Version);
    }

    [Fact]
    public async Task SaveAndTouchRollsBackTheTouchWhenTheSaveConflicts()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        await core.Projects.UpdateAsync(seeded.ProjectId, new ProjectSettings("Renamed", false), 0, Token);
        var before = await core.EnvironmentRowAsync(seeded.EnvironmentIds[0]);
        core.Clock.Advance(TimeSpan.FromHours(1));
        await using var db = core.NewContext();
        var project = await db.Projects.SingleAsync(p => p.Id == seeded.ProjectId, Token);
        db.ExpectVersion(project, 0);
        project.HideDisabledFlags = true;

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() =>
            db.SaveAndTouchAsync("Project", project.Id, e => e.ProjectId == seeded.ProjectId, core.Clock, Token));

        Assert.Equal(before.DocumentUpdatedAt, (await core.EnvironmentRowAsync(seeded.EnvironmentIds[0])).DocumentUpdatedAt);
    }
}
