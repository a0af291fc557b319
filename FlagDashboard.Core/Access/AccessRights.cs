namespace FlagDashboard.Core.Access;

/// <summary>A project role as it applies to one subject: the union of their own grants and their groups'.</summary>
public sealed record ProjectAccess(ProjectRole Role, bool AllEnvironments, IReadOnlySet<int> StateEnvironments)
{
    public bool MayChangeStatesIn(int environmentId) =>
        Role == ProjectRole.Admin || (Role == ProjectRole.Editor && (AllEnvironments || StateEnvironments.Contains(environmentId)));

    public ProjectAccess Union(ProjectAccess other) => new(
        (ProjectRole)Math.Max((int)Role, (int)other.Role),
        (AllEnvironments && Role >= ProjectRole.Editor) || (other.AllEnvironments && other.Role >= ProjectRole.Editor),
        StateEnvironments.Union(other.StateEnvironments).ToHashSet());
}

/// <summary>
/// What one subject may do, and the one rule that decides it. Every page action and admin API route comes
/// here through <see cref="AccessControl"/>; nothing else decides access.
/// </summary>
public sealed class AccessRights(
    bool everything,
    IReadOnlyDictionary<int, OrganisationRole> organisations,
    IReadOnlyDictionary<int, ProjectAccess> projects)
{
    public static readonly AccessRights Everything = new(true, new Dictionary<int, OrganisationRole>(), new Dictionary<int, ProjectAccess>());

    public static readonly AccessRights Nothing = new(false, new Dictionary<int, OrganisationRole>(), new Dictionary<int, ProjectAccess>());

    public bool SeesEverything => everything;

    /// <summary>The organisations the subject belongs to; null for the operator and administrators, who see all.</summary>
    public IReadOnlyCollection<int>? Organisations => everything ? null : organisations.Keys.ToList();

    public bool IsOwner(int organisationId) => everything || organisations.GetValueOrDefault(organisationId, (OrganisationRole)(-1)) == OrganisationRole.Owner;

    public bool IsMember(int organisationId) => everything || organisations.ContainsKey(organisationId);

    public ProjectAccess? Project(int projectId) => projects.GetValueOrDefault(projectId);

    /// <summary>Every project the subject sees outside the organisations they own, for filtering across organisations.</summary>
    public IReadOnlySet<int> GrantedProjects => projects.Keys.ToHashSet();

    public IReadOnlyCollection<int> OwnedOrganisations => organisations.Where(o => o.Value == OrganisationRole.Owner).Select(o => o.Key).ToList();

    public bool Allows(Permission permission, ResourceScope scope)
    {
        if (IsOwner(scope.OrganisationId))
        {
            return true;
        }

        if (!IsMember(scope.OrganisationId))
        {
            return false;
        }

        var project = scope.ProjectId is { } projectId ? Project(projectId) : null;
        return permission switch
        {
            Permission.Read => scope.ProjectId is null || project is not null,
            Permission.ManageOrganisation => false,
            Permission.ManageProject => project?.Role == ProjectRole.Admin,
            Permission.EditProject => project?.Role >= ProjectRole.Editor,
            Permission.ChangeStates => scope.EnvironmentId is { } environmentId && project?.MayChangeStatesIn(environmentId) == true,
            Permission.ApproveChanges => scope.EnvironmentId is not null && project?.Role == ProjectRole.Admin,
            _ => false,
        };
    }
}
