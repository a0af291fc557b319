namespace FlagDashboard.Core;

/// <summary>Input that breaks a rule; each message is keyed by the field it concerns.</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception(string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))))
{
    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }

    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

public sealed class NotFoundException(string entity, object id)
    : Exception($"{entity} {id} was not found.")
{
    public string Entity { get; } = entity;
}

/// <summary>Someone else saved the same thing since it was read: reload, then apply the change again.</summary>
public sealed class ConcurrencyConflictException(string entity, object id)
    : Exception($"{entity} {id} was changed by someone else since you opened it. Reload it and apply your change again.")
{
    public string Entity { get; } = entity;
}

/// <summary>The thing exists, but the person or key acting may not do this to it.</summary>
public sealed class ForbiddenException(string entity, object id, Access.Permission permission, bool canRead)
    : Exception(canRead
        ? $"You may not {Describe(permission)} here ({entity} {id}); ask an owner of the organisation for the role."
        : $"{entity} {id} belongs to an organisation or project you have no access to.")
{
    public string Entity { get; } = entity;

    public Access.Permission Permission { get; } = permission;

    private static string Describe(Access.Permission permission) => permission switch
    {
        Access.Permission.ManageOrganisation => "manage the organisation",
        Access.Permission.ManageProject => "manage the project",
        Access.Permission.EditProject => "change features, segments or identities",
        Access.Permission.ChangeStates => "change flag states in this environment",
        Access.Permission.ApproveChanges => "commit change requests in this environment",
        _ => "see this",
    };
}

/// <summary>
/// The environment requires approvals: the change was not made but saved as change request <see cref="ChangeRequestId"/>,
/// which goes live once approved and committed.
/// </summary>
public sealed class ChangeRequestOpenedException(int changeRequestId, string environmentName, int requiredApprovals)
    : Exception($"{environmentName} requires {requiredApprovals} approval{(requiredApprovals == 1 ? "" : "s")}: the change was saved as change request #{changeRequestId} and goes live once approved and committed.")
{
    public int ChangeRequestId { get; } = changeRequestId;
}
