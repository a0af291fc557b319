using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>Archive and delete, as the features table and the feature page both offer them, with their feedback.</summary>
public static class FeatureActions
{
    /// <summary>Switches one state on or off; a conflict or a deleted state is said, and the caller reads the states again either way.</summary>
    public static async Task SetEnabledAsync(FeatureService features, ISnackbar snackbar, string name, int stateId, bool enabled, FlagValue value, int version)
    {
        try
        {
            await features.UpdateStateAsync(stateId, enabled, value, version);
            snackbar.Add($"{name} is {(enabled ? "on" : "off")}.", Severity.Success);
        }
        catch (ChangeRequestOpenedException exception)
        {
            snackbar.Add(exception.Message, Severity.Info);
        }
        catch (ConcurrencyConflictException)
        {
            snackbar.Add($"Someone else changed {name} in the meantime; it shows their change now. Apply yours again if it still holds.", Severity.Warning);
        }
        catch (NotFoundException)
        {
            snackbar.Add($"{name} was removed by someone else.", Severity.Warning);
        }
        catch (ForbiddenException exception)
        {
            snackbar.Add(exception.Message, Severity.Error);
        }
    }

    /// <summary>Archiving is undone with a click, so it asks nothing; the snackbar says how to undo it.</summary>
    public static async Task<bool> SetArchivedAsync(FeatureService features, ISnackbar snackbar, FeatureSummary feature, bool archived)
    {
        try
        {
            await features.SetArchivedAsync(feature.Id, archived, feature.Version);
            snackbar.Add(archived
                ? $"Archived {feature.Name}: hidden from the table, still served to SDKs. 'Show archived' brings it back."
                : $"Unarchived {feature.Name}.", Severity.Success);
            return true;
        }
        catch (ConcurrencyConflictException)
        {
            snackbar.Add($"Someone else changed {feature.Name} in the meantime; it is shown as it is now. Try again if you still want to.", Severity.Warning);
        }
        catch (NotFoundException)
        {
            snackbar.Add($"{feature.Name} was deleted by someone else.", Severity.Warning);
        }
        catch (ForbiddenException exception)
        {
            snackbar.Add(exception.Message, Severity.Error);
        }

        return false;
    }

    /// <summary>Deletes after a confirmation that says what goes with the feature.</summary>
    public static async Task<bool> DeleteAsync(FeatureService features, IDialogService dialogs, ISnackbar snackbar, FeatureSummary feature)
    {
        var confirmed = await dialogs.ShowMessageBoxAsync(
            $"Delete {feature.Name}?",
            $"This removes {feature.Name} from every environment, with its segment and identity overrides. SDKs stop receiving it. This cannot be undone.",
            yesText: "Delete", cancelText: "Cancel", options: new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small });
        if (confirmed != true)
        {
            return false;
        }

        try
        {
            await features.DeleteAsync(feature.Id);
            snackbar.Add($"Deleted {feature.Name}.", Severity.Success);
        }
        catch (NotFoundException)
        {
            snackbar.Add($"{feature.Name} was already deleted.", Severity.Info);
        }
        catch (ForbiddenException exception)
        {
            snackbar.Add(exception.Message, Severity.Error);
        }

        return true;
    }
}
