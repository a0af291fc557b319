using System.Globalization;
using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Organisations;

public sealed class OrganisationServiceTests
{
    [Fact]
    public async Task CreatingAnOrganisationWithATakenNameFailsOnTheNameField()
    {
        await using var core = await CoreServices.CreateAsync();
        await core.Organisations.CreateAsync("Acme", Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Organisations.CreateAsync("Acme", Token));

        Assert.Contains("name", error.Errors.Keys);
        Assert.Single(await core.Organisations.ListAsync(Token));
    }

    [Fact]
    public async Task RenamingToAnotherOrganisationsNameFailsOnTheNameField()
    {
        await using var core = await CoreServices.CreateAsync();
        await core.Organisations.CreateAsync("Acme", Token);
        var globex = await core.Organisations.CreateAsync("Globex", Token);

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Organisations.RenameAsync(globex.Id, "Acme", globex.Version, Token));

        Assert.Contains("name", error.Errors.Keys);
        Assert.Equal("Globex", (await core.Organisations.GetAsync(globex.Id, Token)).Name);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" Acme")]
    public async Task AnEmptyOrPaddedNameIsRejected(string name)
    {
        await using var core = await CoreServices.CreateAsync();

        var error = await Assert.ThrowsAsync<ValidationException>(() => core.Organisations.CreateAsync(name, Token));

        Assert.Contains("name", error.Errors.Keys);
    }

    [Fact]
    public async Task ASecondRenameFromTheSameVersionConflictsAndTheFirstSurvives()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);

        await core.Organisations.RenameAsync(organisation.Id, "Acme Ltd", organisation.Version, Token);
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => core.Organisations.RenameAsync(organisation.Id, "Acme Inc", organisation.Version, Token));

        var stored = await core.Organisations.GetAsync(organisation.Id, Token);
        Assert.Equal("Acme Ltd", stored.Name);
        Assert.Equal(organisation.Version + 1, stored.Version);
    }

    [Fact]
    public async Task CreatingAnOrganisationIsAuditedWithItsStateAfterAndNothingBefore()
    {
        await using var core = await CoreServices.CreateAsync("dave");

        var organisation = await core.Organisations.CreateAsync("Acme", Token);

        var entry = Assert.Single(await core.AuditEntriesAsync());
        Assert.Equal(AuditAction.Created, entry.Action);
        Assert.Equal("dave", entry.Actor);
        Assert.Equal("Organisation", entry.EntityType);
        Assert.Equal(organisation.Id.ToString(CultureInfo.InvariantCulture), entry.EntityId);
        Assert.Equal("Acme", entry.EntityName);
        Assert.Equal(organisation.Id, entry.OrganisationId);
        Assert.Equal(core.Clock.Now, entry.At);
        Assert.Null(entry.Before);
        Assert.Equal($"{{\"id\":{organisation.Id},\"name\":\"Acme\"}}", entry.After);
    }
}
