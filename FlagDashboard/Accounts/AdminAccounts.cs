using FlagDashboard.Core.Users;
using FlagDashboard.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Accounts;

/// <summary>
/// Creates dashboard administrators (Owners of every organisation): from the set-up page, the command line, or
/// configuration at start. Everyone else joins an organisation by invitation or single sign-on.
/// </summary>
internal sealed class AdminAccounts(UserManager<DashboardUser> users, SetupState setup, IOptions<AdminOptions> options, TimeProvider clock, ILogger<AdminAccounts> logger)
{
    public async Task<IdentityResult> CreateAsync(string email, string password)
    {
        if (EmailText.HasControlCharacters(email))
        {
            return IdentityResult.Failed(new IdentityError { Code = "InvalidEmail", Description = EmailText.ControlCharacterMessage });
        }

        var user = new DashboardUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = clock.GetUtcNow(), IsAdministrator = true };
        var result = await users.CreateAsync(user, password);
        if (result.Succeeded)
        {
            setup.MarkComplete();
            logger.LogInformation("Created dashboard admin {Email}", email);
        }

        return result;
    }

    public async Task EnsureConfiguredAdminAsync()
    {
        var configured = options.Value;
        if (string.IsNullOrEmpty(configured.Email) || string.IsNullOrEmpty(configured.Password) || await setup.IsCompleteAsync())
        {
            return;
        }

        var result = await CreateAsync(configured.Email, configured.Password);
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"The admin from configuration (Admin:Email) could not be created: {Describe(result)}");
        }
    }

    public static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));
}
