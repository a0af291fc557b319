namespace FlagDashboard.Core.Access;

/// <summary>
/// What the subject may do in one project, for a page to show or hide its actions. The services decide again on
/// every call: this only spares a person buttons that would be refused.
/// </summary>
public sealed class ProjectPermissions(AccessRights rights, ResourceScope project)
{
    public static readonly ProjectPermissions None = new(AccessRights.Nothing, new ResourceScope(0));

    /// <summary>Rename or delete the project; environments, keys, webhooks, imports.</summary>
    public bool CanManage => rights.Allows(Permission.ManageProject, project);

    /// <summary>Features, segments, identities and traits.</summary>
    public bool CanEdit => rights.Allows(Permission.EditProject, project);

    /// <summary>Switch flags, set values and weights, and add or remove overrides in the environment.</summary>
    public bool CanChangeStates(int environmentId) => rights.Allows(Permission.ChangeStates, project with { EnvironmentId = environmentId });

    /// <summary>Commit approved change requests in the environment.</summary>
    public bool CanApproveChanges(int environmentId) => rights.Allows(Permission.ApproveChanges, project with { EnvironmentId = environmentId });
}
