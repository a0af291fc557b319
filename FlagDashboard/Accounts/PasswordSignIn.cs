using FlagDashboard.Core.Users;
using Microsoft.AspNetCore.Identity;

namespace FlagDashboard.Accounts;

/// <summary>
/// Sign-in with a password that costs the same for an unknown e-mail address as for a known one: the typed password
/// is hashed against a stand-in, so the answer's timing does not tell which addresses have an account.
/// </summary>
internal sealed class PasswordSignIn(SignInManager<DashboardUser> signIn, IPasswordHasher<DashboardUser> hasher, TimeProvider clock)
{
    private static readonly DashboardUser StandIn = new() { UserName = "stand-in@flagdashboard.invalid" };
    private static string? _standInHash;

    public async Task<SignInResult> SignInAsync(string email, string password, bool remember)
    {
        // No account has such a name, and PostgreSQL refuses NUL in a query: the same answer as for an unknown one.
        var user = EmailText.HasControlCharacters(email) ? null : await signIn.UserManager.FindByNameAsync(email);
        if (user is null)
        {
            _standInHash ??= hasher.HashPassword(StandIn, Guid.NewGuid().ToString("N"));
            hasher.VerifyHashedPassword(StandIn, _standInHash, password);
            return SignInResult.Failed;
        }

        var result = await signIn.PasswordSignInAsync(user, password, remember, lockoutOnFailure: true);
        if (result.Succeeded)
        {
            user.LastSignInAt = clock.GetUtcNow();
            await signIn.UserManager.UpdateAsync(user);
        }

        return result;
    }
}
