namespace FlagDashboard.Core.Access;

/// <summary>A person's standing in an organisation.</summary>
public enum OrganisationRole
{
    /// <summary>Sees the organisation and the projects they hold a role in.</summary>
    Member = 0,

    /// <summary>Everything, including members, API keys and deleting the organisation.</summary>
    Owner = 1,
}

/// <summary>What a person or group may do in one project; higher values include the lower ones.</summary>
public enum ProjectRole
{
    /// <summary>Reads everything in the project, changes nothing.</summary>
    Viewer = 0,

    /// <summary>Features, segments and identities; states only in the environments the role allows.</summary>
    Editor = 1,

    /// <summary>Everything in the project: environments, keys, webhooks and roles too.</summary>
    Admin = 2,
}

/// <summary>What an admin API key may do in its organisation (or in its one project, when scoped to one).</summary>
public enum ApiKeyRole
{
    Owner = 0,
    Viewer = 1,
}
