using System.ComponentModel.DataAnnotations;
using FlagDashboard.Core.Data;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Hosting;

/// <summary>The first admin, created at start when no user exists yet (for unattended installs).</summary>
public sealed class AdminOptions
{
    public const string SectionName = "Admin";

    [EmailAddress]
    public string? Email { get; set; }

    public string? Password { get; set; }
}

internal sealed class AdminOptionsValidator : IValidateOptions<AdminOptions>
{
    public ValidateOptionsResult Validate(string? name, AdminOptions options) =>
        string.IsNullOrEmpty(options.Email) == string.IsNullOrEmpty(options.Password)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail("Admin:Email and Admin:Password are set together or not at all.");
}

internal static class OptionsRegistration
{
    public static IServiceCollection AddFlagDashboardOptions(this IServiceCollection services)
    {
        services.AddOptions<DatabaseOptions>().BindConfiguration(DatabaseOptions.SectionName)
            .Configure<IConfiguration>((options, configuration) =>
                options.ConnectionString ??= configuration.GetConnectionString(DatabaseOptions.ConnectionStringName))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<AdminOptions>().BindConfiguration(AdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<IValidateOptions<AdminOptions>, AdminOptionsValidator>();
        return services;
    }
}
