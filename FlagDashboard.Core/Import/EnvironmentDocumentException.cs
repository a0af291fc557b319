namespace FlagDashboard.Core.Import;

/// <summary>One fault in an environment document: the JSON path of the field and what is wrong with it.</summary>
public sealed record DocumentError(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

/// <summary>
/// An environment document that cannot be imported. The message names the JSON path of each bad field,
/// for example <c>$.project.segments[2].rules[0].conditions[1].operator: unknown operator "EQUALS"</c>.
/// Nothing has been written when this is thrown.
/// </summary>
public sealed class EnvironmentDocumentException : Exception
{
    private const int ErrorsInMessage = 20;

    public EnvironmentDocumentException(string path, string message)
        : this([new DocumentError(path, message)])
    {
    }

    public EnvironmentDocumentException(IReadOnlyList<DocumentError> errors, Exception? innerException = null)
        : base(Describe(errors), innerException)
    {
        if (errors.Count == 0)
        {
            throw new ArgumentException("At least one error is needed.", nameof(errors));
        }

        Errors = errors;
    }

    public IReadOnlyList<DocumentError> Errors { get; }

    /// <summary>The path of the first fault, such as <c>$.feature_states[3].enabled</c>.</summary>
    public string Path => Errors[0].Path;

    private static string Describe(IReadOnlyList<DocumentError> errors)
    {
        var shown = string.Join(Environment.NewLine, errors.Take(ErrorsInMessage));
        return errors.Count > ErrorsInMessage
            ? $"{shown}{Environment.NewLine}(and {errors.Count - ErrorsInMessage} more errors)"
            : shown;
    }
}
