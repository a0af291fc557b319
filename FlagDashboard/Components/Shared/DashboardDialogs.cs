using FlagDashboard.Core;
using MudBlazor;

namespace FlagDashboard.Components.Shared;

/// <summary>The dashboard's confirmations, name prompts and the words for a refused change.</summary>
public static class DashboardDialogs
{
    private static readonly DialogOptions Small = new() { MaxWidth = MaxWidth.Small, FullWidth = true, CloseOnEscapeKey = true };

    /// <summary>Asks before a destructive action; true when the person confirmed.</summary>
    public static async Task<bool> ConfirmAsync(this IDialogService dialogs, string title, string message, string yesText = "Delete") =>
        await dialogs.ShowMessageBoxAsync(title, message, yesText: yesText, cancelText: "Cancel", options: Small) == true;

    /// <summary>Prompts for a name and saves it; true when it was saved.</summary>
    public static async Task<bool> PromptNameAsync(this IDialogService dialogs, string title, string label, string initial, string saveText, Func<string, Task<string?>> save)
    {
        var parameters = new DialogParameters<NameDialog>
        {
            { d => d.Label, label },
            { d => d.Initial, initial },
            { d => d.SaveText, saveText },
            { d => d.Save, save },
        };
        var dialog = await dialogs.ShowAsync<NameDialog>(title, parameters, Small);
        var result = await dialog.Result;
        return result is { Canceled: false };
    }

    /// <summary>
    /// Runs a change. A refused change comes back as the words to show (validation messages joined, or the
    /// conflict message when someone else changed the same thing); null when it went through.
    /// </summary>
    public static async Task<string?> TryAsync(Func<Task> change, string? subject = null)
    {
        try
        {
            await change();
            return null;
        }
        catch (Exception exception) when (IsRefusal(exception))
        {
            return Describe(exception, subject);
        }
    }

    /// <summary>A change the Core services refused (a rule, a stale version, a deleted target, no right), as opposed to a failure.</summary>
    public static bool IsRefusal(Exception exception) =>
        exception is ValidationException or ConcurrencyConflictException or NotFoundException or ForbiddenException or ChangeRequestOpenedException;

    /// <summary>The words for a change the Core services refused, about <paramref name="subject"/> (a flag's name) when given.</summary>
    public static string Describe(Exception exception, string? subject = null) => exception switch
    {
        ValidationException validation => string.Join(" ", validation.Errors.SelectMany(e => e.Value)),
        ConcurrencyConflictException when subject is not null =>
            $"Someone else changed {subject} in the meantime; the page shows their change now. Make yours again if it still holds.",
        NotFoundException when subject is not null => $"{subject} was removed by someone else.",
        NotFoundException => $"{exception.Message} Someone may have deleted it; reload the page.",
        _ => exception.Message,
    };

    /// <summary>Says in a snackbar why a change was refused: someone else's change as a warning, a broken rule or a missing right as an error.</summary>
    public static void AddRefusal(this ISnackbar snackbar, Exception exception, string? subject = null) =>
        snackbar.Add(Describe(exception, subject), exception is ConcurrencyConflictException or NotFoundException ? Severity.Warning : Severity.Error);

    /// <summary>Runs a change and reports it in a snackbar: success, or why it was refused. True when it went through.</summary>
    public static async Task<bool> RunAsync(this ISnackbar snackbar, Func<Task> change, string done, string? subject = null)
    {
        try
        {
            await change();
        }
        catch (Exception exception) when (IsRefusal(exception))
        {
            snackbar.AddRefusal(exception, subject);
            return false;
        }

        snackbar.Add(done, Severity.Success);
        return true;
    }
}
