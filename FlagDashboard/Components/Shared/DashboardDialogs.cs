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
    public static async Task<string?> TryAsync(Func<Task> change)
    {
        try
        {
            await change();
            return null;
        }
        catch (Exception exception) when (exception is ValidationException or ConcurrencyConflictException or NotFoundException or ForbiddenException or ChangeRequestOpenedException)
        {
            return Describe(exception);
        }
    }

    /// <summary>The words for a change the Core services refused.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        ValidationException validation => string.Join(" ", validation.Errors.SelectMany(e => e.Value)),
        NotFoundException => $"{exception.Message} Someone may have deleted it; reload the page.",
        _ => exception.Message,
    };

    /// <summary>Runs a change and reports it in a snackbar: success, or why it was refused. True when it went through.</summary>
    public static async Task<bool> RunAsync(this ISnackbar snackbar, Func<Task> change, string done)
    {
        var problem = await TryAsync(change);
        snackbar.Add(problem ?? done, problem is null ? Severity.Success : Severity.Error);
        return problem is null;
    }
}
