using FlagDashboard.Accounts;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Users;
using FlagDashboard.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlagDashboard.Tests.Accounts;

/// <summary>
/// <see cref="PasswordChanges"/> over a real database and ASP.NET Core Identity configured as the app does: the
/// current password is checked, the set-up rules apply, the security stamp (which ends every session) changes, and
/// the change is audited without the password.
/// </summary>
public sealed class PasswordChangesTests : IAsyncLifetime
{
    private const string Email = "ada@example.com";
    private const string Password = "the-first-password";
    private const string NewPassword = "a-second-long-password";

    private TestDatabase _database = null!;
    private ServiceProvider _provider = null!;
    private AsyncServiceScope _scope;

    private UserManager<DashboardUser> Users => _scope.ServiceProvider.GetRequiredService<UserManager<DashboardUser>>();

    private PasswordChanges Passwords => _scope.ServiceProvider.GetRequiredService<PasswordChanges>();

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddScoped(_ => _database.CreateDbContext());
        services.AddSingleton<IDbContextFactory<FlagDashboardDbContext>>(_database);
        services.AddSingleton<IActorAccessor>(new FixedActor("tester"));
        services.AddSingleton(TimeProvider.System);
        services.AddIdentityCore<DashboardUser>(HostingExtensions.ConfigureIdentity).AddEntityFrameworkStores<FlagDashboardDbContext>();
        services.AddScoped<PasswordChanges>();
        _provider = services.BuildServiceProvider();
        _scope = _provider.CreateAsyncScope();
        Assert.True((await Users.CreateAsync(new DashboardUser { UserName = Email, Email = Email }, Password)).Succeeded);
    }

    public async ValueTask DisposeAsync()
    {
        await _scope.DisposeAsync();
        await _provider.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public async Task AWrongCurrentPasswordIsRefusedAndChangesNothing()
    {
        var user = (await Users.FindByEmailAsync(Email))!;
        var stamp = user.SecurityStamp;

        var result = await Passwords.ChangeOwnAsync(user, "not-the-password", NewPassword);

        Assert.Contains(result.Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
        var stored = await ReloadAsync();
        Assert.Equal(stamp, stored.SecurityStamp);
        Assert.True(await Users.CheckPasswordAsync(stored, Password));
        Assert.Equal(0, await AuditEntriesAsync());
    }

    [Fact]
    public async Task WrongCurrentPasswordsCountTowardsTheLockout()
    {
        var user = (await Users.FindByEmailAsync(Email))!;
        var allowed = _scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IdentityOptions>>().Value.Lockout.MaxFailedAccessAttempts;
        for (var i = 0; i < allowed; i++)
        {
            Assert.Contains((await Passwords.ChangeOwnAsync(user, $"guess-number-{i}", NewPassword)).Errors, e => e.Code == nameof(IdentityErrorDescriber.PasswordMismatch));
        }

        var result = await Passwords.ChangeOwnAsync(user, Password, NewPassword);

        Assert.Contains(result.Errors, e => e.Code == "LockedOut");
        Assert.True(await Users.CheckPasswordAsync(await ReloadAsync(), Password));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("nine-char")]
    public async Task ANewPasswordOutsideTheRulesIsRefused(string newPassword)
    {
        var user = (await Users.FindByEmailAsync(Email))!;
        var stamp = user.SecurityStamp;

        Assert.False((await Passwords.ChangeOwnAsync(user, Password, newPassword)).Succeeded);
        Assert.False((await Passwords.ResetAsync(Email, newPassword)).Succeeded);

        var stored = await ReloadAsync();
        Assert.Equal(stamp, stored.SecurityStamp);
        Assert.True(await Users.CheckPasswordAsync(stored, Password));
    }

    [Fact]
    public async Task AChangeReplacesTheStampAndIsAuditedWithoutThePassword()
    {
        var user = (await Users.FindByEmailAsync(Email))!;
        var stamp = user.SecurityStamp;

        Assert.True((await Passwords.ChangeOwnAsync(user, Password, NewPassword)).Succeeded);

        var stored = await ReloadAsync();
        Assert.NotEqual(stamp, stored.SecurityStamp);
        Assert.True(await Users.CheckPasswordAsync(stored, NewPassword));
        Assert.False(await Users.CheckPasswordAsync(stored, Password));
        await using var db = _database.CreateDbContext();
        var entry = await db.AuditEntries.SingleAsync(TestContext.Current.CancellationToken);
        Assert.Equal((PasswordChanges.AuditEntity, "tester", Email), (entry.EntityType, entry.Actor, entry.EntityName));
        Assert.DoesNotContain(NewPassword, entry.After, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheOperatorsResetReplacesTheStampAndEndsALockout()
    {
        var user = (await Users.FindByEmailAsync(Email))!;
        var stamp = user.SecurityStamp;
        await Users.SetLockoutEndDateAsync(user, DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.True((await Passwords.ResetAsync(Email, NewPassword)).Succeeded);
        Assert.False((await Passwords.ResetAsync("nobody@example.com", NewPassword)).Succeeded);

        var stored = await ReloadAsync();
        Assert.NotEqual(stamp, stored.SecurityStamp);
        Assert.True(await Users.CheckPasswordAsync(stored, NewPassword));
        Assert.False(await Users.IsLockedOutAsync(stored));
        Assert.Equal(1, await AuditEntriesAsync());
    }

    private async Task<DashboardUser> ReloadAsync()
    {
        await using var db = _database.CreateDbContext();
        var stored = await db.Users.AsNoTracking().SingleAsync(u => u.Email == Email, TestContext.Current.CancellationToken);
        return stored;
    }

    private async Task<int> AuditEntriesAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.AuditEntries.CountAsync(e => e.EntityType == PasswordChanges.AuditEntity, TestContext.Current.CancellationToken);
    }
}
