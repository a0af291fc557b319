using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Accounts;

/// <summary>
/// A person changes their own password (knowing the current one), or the operator sets someone's. Either way the
/// password rules of set-up and invitations apply (<see cref="HostingExtensions.ConfigureIdentity"/>) and the security
/// stamp is replaced, so every session of that person ends on every instance (<see cref="Sessions"/>); the caller
/// re-issues the cookie of the session that made the change. Audited, never with the password.
/// </summary>
internal sealed class PasswordChanges(
    UserManager<DashboardUser> users,
    IDbContextFactory<FlagDashboardDbContext> databases,
    IActorAccessor actors,
    TimeProvider clock,
    ILogger<PasswordChanges> logger)
{
    public const string AuditEntity = "Password";

    /// <summary>
    /// Refuses a wrong current password (<c>PasswordMismatch</c>) and a new one that breaks the rules. Wrong current
    /// passwords count towards the sign-in lockout, so a session left open is no way to guess the password without limit.
    /// </summary>
    public async Task<IdentityResult> ChangeOwnAsync(DashboardUser user, string currentPassword, string newPassword)
    {
        if (await users.IsLockedOutAsync(user))
        {
            return IdentityResult.Failed(new IdentityError { Code = "LockedOut", Description = "Too many wrong passwords: try again in a minute." });
        }

        if (!await users.CheckPasswordAsync(user, currentPassword ?? ""))
        {
            await users.AccessFailedAsync(user);
            return IdentityResult.Failed(users.ErrorDescriber.PasswordMismatch());
        }

        await users.ResetAccessFailedCountAsync(user);
        // UserManager replaces the security stamp with the hash.
        var result = await users.ChangePasswordAsync(user, currentPassword ?? "", newPassword ?? "");
        if (result.Succeeded)
        {
            await AuditAsync(user, "changed by the person");
        }

        return result;
    }

    /// <summary>Sets the password of the person with this e-mail address, as the operator (<c>reset-password</c>).</summary>
    public async Task<IdentityResult> ResetAsync(string email, string newPassword)
    {
        var user = EmailText.HasControlCharacters(email) ? null : await users.FindByEmailAsync(email);
        if (user is null)
        {
            return IdentityResult.Failed(new IdentityError { Code = "UnknownPerson", Description = "Nobody has this e-mail address." });
        }

        var rules = new List<IdentityError>();
        foreach (var validator in users.PasswordValidators)
        {
            rules.AddRange((await validator.ValidateAsync(users, user, newPassword)).Errors);
        }

        if (rules.Count > 0)
        {
            return IdentityResult.Failed([.. rules]);
        }

        user.PasswordHash = users.PasswordHasher.HashPassword(user, newPassword);
        // A person locked out by guesses can sign in with the new password at once.
        user.LockoutEnd = null;
        user.AccessFailedCount = 0;
        var result = await users.UpdateSecurityStampAsync(user);
        if (result.Succeeded)
        {
            await AuditAsync(user, "set by the operator");
        }

        return result;
    }

    private async Task AuditAsync(DashboardUser user, string how)
    {
        await using var db = await databases.CreateDbContextAsync();
        // A person is not one organisation's: the entry is the administrators' to see.
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, AuditEntity, user.Id, user.Email ?? user.Id, new AuditScope(null)) { After = new { Password = how, SessionsEnded = true } });
        await db.SaveChangesAsync();
        logger.LogInformation("The password of {UserId} was {How}; every other session of theirs has ended", user.Id, how);
    }
}
