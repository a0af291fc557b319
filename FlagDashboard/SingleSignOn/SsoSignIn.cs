using System.Security.Claims;
using FlagDashboard.Accounts;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Users;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.SingleSignOn;

/// <summary>How a single sign-on attempt ended; every outcome but <see cref="SignedIn"/> is a message on the sign-in page.</summary>
public enum SsoOutcome
{
    SignedIn,

    /// <summary>The provider sent no e-mail address (or no subject).</summary>
    NoEmail,

    /// <summary>The provider does not vouch for the e-mail address (<c>email_verified</c> not true).</summary>
    Unverified,

    /// <summary>Nobody has that address here, and no default organisation takes new people.</summary>
    NoAccount,

    /// <summary>The attempt did not come back complete: refused at the provider, expired, or the account could not be made.</summary>
    Failed,
}

/// <summary>
/// Turns a person the OpenID provider vouches for into the dashboard's own sign-in: the Identity application cookie,
/// made by <see cref="SignInManager{TUser}"/> as for a password, so sessions and rights work the same way.
/// </summary>
internal sealed class SsoSignIn(
    SignInManager<DashboardUser> signIn,
    FlagDashboardDbContext db,
    IOptions<SsoOptions> options,
    TimeProvider clock,
    ILogger<SsoSignIn> logger)
{
    public async Task<SsoOutcome> SignInAsync(ClaimsPrincipal external, CancellationToken cancellationToken)
    {
        var subject = external.FindFirstValue("sub");
        var email = external.FindFirstValue("email")?.Trim();
        if (string.IsNullOrEmpty(subject) || string.IsNullOrEmpty(email))
        {
            logger.LogWarning("Single sign-on refused: the provider sent no e-mail address; is the email scope allowed for the client?");
            return SsoOutcome.NoEmail;
        }

        if (!HasVerifiedEmail(external))
        {
            logger.LogInformation("Single sign-on refused for {Email}: the provider has not verified the address", email);
            return SsoOutcome.Unverified;
        }

        var users = signIn.UserManager;
        var user = await users.FindByEmailAsync(email) ?? await users.FindByLoginAsync(SsoOptions.Scheme, subject);
        if (user is null)
        {
            if (string.IsNullOrWhiteSpace(options.Value.DefaultOrganisation))
            {
                logger.LogInformation("Single sign-on refused for {Email}: no account, and no Sso:DefaultOrganisation for new people", email);
                return SsoOutcome.NoAccount;
            }

            user = await JoinDefaultOrganisationAsync(email, cancellationToken);
            if (user is null)
            {
                return SsoOutcome.Failed;
            }
        }

        if (await users.FindByLoginAsync(SsoOptions.Scheme, subject) is null)
        {
            var linked = await users.AddLoginAsync(user, new UserLoginInfo(SsoOptions.Scheme, subject, options.Value.DisplayName));
            if (!linked.Succeeded)
            {
                logger.LogWarning("Single sign-on: the login of {Email} could not be recorded: {Errors}", email, AdminAccounts.Describe(linked));
            }
        }

        user.LastSignInAt = clock.GetUtcNow();
        await users.UpdateAsync(user);
        await signIn.SignInAsync(user, isPersistent: false, authenticationMethod: SsoOptions.Scheme);
        logger.LogInformation("{Email} signed in with single sign-on", email);
        return SsoOutcome.SignedIn;
    }

    /// <summary>
    /// Whether the provider vouches for the address: an <c>email_verified</c> claim that is true (a JSON boolean, or
    /// the string some providers send), from the ID token and the userinfo answer alike; one saying otherwise wins.
    /// </summary>
    internal static bool HasVerifiedEmail(ClaimsPrincipal external)
    {
        var verified = external.FindAll("email_verified").ToList();
        return verified.Count > 0 && verified.All(c => bool.TryParse(c.Value, out var value) && value);
    }

    /// <summary>Creates the person (no password) and their membership of the default organisation, in one transaction.</summary>
    private async Task<DashboardUser?> JoinDefaultOrganisationAsync(string email, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var name = settings.DefaultOrganisation!.Trim();
        var now = clock.GetUtcNow();
        // The user store saves through this same context, so the person, the membership and the audit entries commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Name == name, cancellationToken);
        if (organisation is null)
        {
            organisation = new Organisation { Name = name, CreatedAt = now };
            db.Organisations.Add(organisation);
            await db.SaveChangesAsync(cancellationToken);
            AuditTrail.Record(db, email, clock, new AuditChange(AuditAction.Created, "Organisation", organisation.Id, name, new AuditScope(organisation.Id))
            {
                After = new { organisation.Id, organisation.Name, CreatedFor = "Sso:DefaultOrganisation" },
            });
        }

        var user = new DashboardUser { UserName = email, Email = email, EmailConfirmed = true, CreatedAt = now, IsAdministrator = false };
        var created = await signIn.UserManager.CreateAsync(user);
        if (!created.Succeeded)
        {
            logger.LogWarning("Single sign-on: an account for {Email} could not be created: {Errors}", email, AdminAccounts.Describe(created));
            return null;
        }

        db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = organisation.Id, UserId = user.Id, Role = settings.DefaultRole, JoinedAt = now });
        AuditTrail.Record(db, email, clock, new AuditChange(AuditAction.Created, nameof(OrganisationMember), $"{organisation.Id}:{user.Id}", email, new AuditScope(organisation.Id))
        {
            After = new { OrganisationId = organisation.Id, Organisation = organisation.Name, UserId = user.Id, Email = email, Role = settings.DefaultRole.ToString(), JoinedBy = "single sign-on" },
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("{Email} joined {Organisation} as {Role} through single sign-on", email, organisation.Name, settings.DefaultRole);
        return user;
    }
}
