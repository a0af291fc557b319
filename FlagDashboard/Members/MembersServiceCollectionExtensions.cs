using FlagDashboard.Core.Access;

namespace FlagDashboard.Members;

public static class MembersServiceCollectionExtensions
{
    /// <summary>Invitation links and their email; the invitation lifetime and the mail server are validated at start.</summary>
    public static IServiceCollection AddMembers(this IServiceCollection services)
    {
        services.AddOptions<InvitationOptions>().BindConfiguration(InvitationOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<SmtpSender>();
        services.AddSingleton<InvitationEmail>();
        services.AddScoped<MemberInvitations>();
        return services;
    }
}
