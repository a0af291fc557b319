namespace FlagDashboard.Core.Access;

/// <summary>The kinds of action the rule in <see cref="AccessRights"/> decides on.</summary>
public enum Permission
{
    /// <summary>See the thing (an organisation to its members, a project to those with a role in it).</summary>
    Read,

    /// <summary>Rename or delete the organisation, its members, groups, invitations, API keys; create projects.</summary>
    ManageOrganisation,

    /// <summary>Rename or delete the project; its environments, keys, webhooks, imports and roles.</summary>
    ManageProject,

    /// <summary>Features, segments, identities and traits of the project.</summary>
    EditProject,

    /// <summary>States (on/off, value, weights) and segment or identity overrides in one environment.</summary>
    ChangeStates,

    /// <summary>Commit an approved change request in an environment that requires approvals (project Admins and Owners).</summary>
    ApproveChanges,
}

/// <summary>Where a thing lives; a project or environment id is null for things above that level.</summary>
public readonly record struct ResourceScope(int OrganisationId, int? ProjectId = null, int? EnvironmentId = null);
