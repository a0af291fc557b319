using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core;

/// <summary>Collects every problem with an input, so a person sees them all at once, then throws.</summary>
internal sealed class Validation
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public Validation Name(string field, string? value, int maxLength = FieldLimits.Name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, "A name is required.");
        }
        else if (value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }
        else if (value != value.Trim())
        {
            Add(field, "No spaces at the start or end.");
        }
        else
        {
            Text(field, value);
        }

        return this;
    }

    public Validation MaxLength(string field, string? value, int maxLength)
    {
        if (value is not null && value.Length > maxLength)
        {
            Add(field, $"At most {maxLength} characters.");
        }

        return Text(field, value);
    }

    /// <summary>A flag or trait value that fits its column: a string at most <see cref="FieldLimits.Value"/> characters, and storable text.</summary>
    public Validation Value(string field, FlagValue value) =>
        MaxLength(field, value.Type == FlagValueType.String ? value.AsString : null, FieldLimits.Value);

    /// <summary>Text that every database can store: no NUL character, which PostgreSQL refuses in text and jsonb.</summary>
    public Validation Text(string field, string? value)
    {
        if (JsonText.HasNul(value))
        {
            Add(field, JsonText.NulMessage);
        }

        return this;
    }

    public Validation Check(bool condition, string field, string message)
    {
        if (!condition)
        {
            Add(field, message);
        }

        return this;
    }

    public Validation Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }

        messages.Add(message);
        return this;
    }

    public bool IsValid => _errors.Count == 0;

    public void ThrowIfInvalid()
    {
        if (!IsValid)
        {
            throw new ValidationException(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
        }
    }
}
