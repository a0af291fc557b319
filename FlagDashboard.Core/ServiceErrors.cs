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
