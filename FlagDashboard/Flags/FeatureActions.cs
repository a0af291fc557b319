using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Flags;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>Switch, archive and delete, as the features table and the feature page both offer them, with their feedback.</summary>
public static class FeatureActions
{
    /// <summary>Switches one state on or off; a refusal is said, and the caller reads the states again either way.</summary>
    public static Task SetEnabledAsync(FeatureService features, ISnackbar snackbar, string name, int stateId, bool enabled, FlagValue value, int version) =>
        snackbar.RunAsync(() => features.UpdateStateAsync(stateId, enabled, value, version), $"{name} is {(enabled ? "on" : "off")}.", name);

    /// <summary>Archiving is undone with a click, so it asks nothing; the snackbar says how to undo it.</summary>
    public static Task<bool> SetArchivedAsync(FeatureService features, ISnackbar snackbar, FeatureSummary feature, bool archived) =>
        snackbar.RunAsync(
            () => features.SetArchivedAsync(feature.Id, archived, feature.Version),
            archived
                ? $"Archived {feature.Name}: hidden from the table, still served to SDKs. 'Show archived' brings it back."
                : $"Unarchived {feature.Name}.",
            feature.Name);

    /// <summary>Deletes after a confirmation that says what goes with the feature; true when the list should be read again.</summary>
    public static async Task<bool> DeleteAsync(FeatureService features, IDialogService dialogs, ISnackbar snackbar, FeatureSummary feature)
    {
        if (!await dialogs.ConfirmAsync(
            $"Delete {feature.Name}?",
            $"This removes {feature.Name} from every environment, with its segment and identity overrides. SDKs stop receiving it. This cannot be undone."))
        {
            return false;
        }

        await snackbar.RunAsync(() => features.DeleteAsync(feature.Id), $"Deleted {feature.Name}.", feature.Name);
        return true;
    }
}
