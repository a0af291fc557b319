using System.ComponentModel.DataAnnotations;

namespace FlagDashboard.Accounts;

/// <summary>
/// An e-mail address as typed into a form, a command line or configuration. A control character (NUL, which
/// PostgreSQL refuses in text; a line break; a terminal escape) is never part of one, so it is refused before the
/// address reaches the database or a log line.
/// </summary>
internal static class EmailText
{
    public const string ControlCharacterMessage = "An e-mail address may not contain control characters.";

    public static bool HasControlCharacters(string? email) => email is not null && email.Any(char.IsControl);
}

/// <summary>The form's check of <see cref="EmailText.HasControlCharacters"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NoControlCharactersAttribute() : ValidationAttribute(EmailText.ControlCharacterMessage)
{
    public override bool IsValid(object? value) => value is not string text || !EmailText.HasControlCharacters(text);
}
