using System.ComponentModel.DataAnnotations;
using FlagDashboard.Core.Access;
using Microsoft.Extensions.Options;

namespace FlagDashboard.SingleSignOn;

/// <summary>
/// Single sign-on with an OpenID Connect provider; off while <see cref="Authority"/> is empty. People are matched
/// by verified e-mail address; new ones join <see cref="DefaultOrganisation"/>, or are refused when it is empty.
/// </summary>
public sealed class SsoOptions
{
    public const string SectionName = "Sso";

    /// <summary>The authentication scheme, which also names the provider in AspNetUserLogins.</summary>
    public const string Scheme = "oidc";

    /// <summary>Where the provider sends people back; the redirect URI to register is the app's address plus this.</summary>
    public const string CallbackPath = "/signin-oidc";

    /// <summary>The issuer, whose /.well-known/openid-configuration describes the provider.</summary>
    [Url]
    public string? Authority { get; set; }

    public string? ClientId { get; set; }

    public string? ClientSecret { get; set; }

    /// <summary>Shown on the sign-in page as "Sign in with …".</summary>
    [StringLength(60)]
    public string DisplayName { get; set; } = "single sign-on";

    /// <summary>Space-separated; <c>openid</c> and <c>email</c> are needed to match people.</summary>
    public string Scopes { get; set; } = "openid profile email";

    /// <summary>False lets the authority be plain http: for a provider on the same machine while trying things out.</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>The organisation (by name) a person without an account joins; it is created when missing. Empty: such people are refused.</summary>
    [StringLength(100)]
    public string? DefaultOrganisation { get; set; }

    /// <summary>The role new people get in <see cref="DefaultOrganisation"/>.</summary>
    [EnumDataType(typeof(OrganisationRole))]
    public OrganisationRole DefaultRole { get; set; } = OrganisationRole.Member;

    public bool Enabled => !string.IsNullOrWhiteSpace(Authority);

    public IEnumerable<string> ScopeList => Scopes.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}

internal sealed class SsoOptionsValidator : IValidateOptions<SsoOptions>
{
    public ValidateOptionsResult Validate(string? name, SsoOptions options)
    {
        if (!options.Enabled)
        {
            return string.IsNullOrEmpty(options.ClientId) && string.IsNullOrEmpty(options.ClientSecret) && string.IsNullOrEmpty(options.DefaultOrganisation)
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail("Sso:Authority is required when other Sso settings are set (Sso:ClientId, Sso:ClientSecret, Sso:DefaultOrganisation).");
        }

        var failures = new List<string>();
        if (!Uri.TryCreate(options.Authority, UriKind.Absolute, out var authority) || authority.Scheme is not ("https" or "http"))
        {
            failures.Add("Sso:Authority must be an absolute http(s) address, such as https://login.example.com/realms/main.");
        }
        else if (authority.Scheme == "http" && options.RequireHttpsMetadata)
        {
            failures.Add("Sso:Authority is plain http: use https, or set Sso:RequireHttpsMetadata to false for a provider on this machine.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientId))
        {
            failures.Add("Sso:ClientId is required when Sso:Authority is set.");
        }

        if (string.IsNullOrWhiteSpace(options.ClientSecret))
        {
            failures.Add("Sso:ClientSecret is required when Sso:Authority is set (the app signs people in with the authorization code flow as a confidential client).");
        }

        if (string.IsNullOrWhiteSpace(options.DisplayName))
        {
            failures.Add("Sso:DisplayName is required when Sso:Authority is set: the sign-in page shows it on its button.");
        }

        var scopes = options.ScopeList.ToList();
        if (!scopes.Contains("openid") || !scopes.Contains("email"))
        {
            failures.Add($"Sso:Scopes must include openid and email, to match people by e-mail address (it is '{options.Scopes}').");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
