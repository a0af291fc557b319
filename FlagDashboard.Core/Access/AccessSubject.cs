namespace FlagDashboard.Core.Access;

/// <summary>Who is acting: the name goes into the audit log, the kind decides what they may do.</summary>
public abstract record AccessSubject(string Name)
{
    /// <summary>The command line, start-up and background work: trusted with everything.</summary>
    public sealed record Operator(string OperatorName) : AccessSubject(OperatorName);

    /// <summary>A person signed in to the dashboard (or to the admin API through the dashboard's session).</summary>
    public sealed record Person(string UserId, string Email) : AccessSubject(Email);

    /// <summary>An admin API key, acting for one organisation or, when scoped, one of its projects.</summary>
    public sealed record ApiKey(int KeyId, string KeyName, int OrganisationId, ApiKeyRole Role, int? ProjectId)
        : AccessSubject($"api-key:{KeyName}");

    /// <summary>Nobody signed in: may do nothing.</summary>
    public sealed record Anonymous() : AccessSubject("anonymous");
}
