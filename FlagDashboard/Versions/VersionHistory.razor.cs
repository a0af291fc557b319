using FlagDashboard.Core;
using FlagDashboard.Core.Versions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Versions;

public sealed partial class VersionHistory
{
    private IReadOnlyList<FeatureVersionSummary> _versions = [];
    private IReadOnlyList<DiffLine>? _diff;
    private int _environmentId;
    private int _left;
    private int _right;
    private bool _onlyChanges = true;
    private string? _loadedStamp;
    private int _loads;

    [Parameter, EditorRequired]
    public int FeatureId { get; set; }

    [Parameter, EditorRequired]
    public string FeatureName { get; set; } = "";

    /// <summary>The project's environments by id, in the order to offer them.</summary>
    [Parameter, EditorRequired]
    public IReadOnlyDictionary<int, string> Environments { get; set; } = new Dictionary<int, string>();

    /// <summary>Changes when the feature's states change, so the history is read again.</summary>
    [Parameter]
    public string? Stamp { get; set; }

    [Parameter, EditorRequired]
    public Func<int, bool> CanRestore { get; set; } = _ => false;

    /// <summary>Called after a restore, for the page to show the live states.</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    [Inject]
    private FeatureVersionService Versions { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    private string EnvironmentName => Environments.GetValueOrDefault(_environmentId) ?? "";

    protected override async Task OnParametersSetAsync()
    {
        if (!Environments.ContainsKey(_environmentId))
        {
            _environmentId = Environments.Keys.FirstOrDefault();
            _loadedStamp = null;
        }

        var stamp = $"{FeatureId}/{_environmentId}/{Stamp}";
        if (stamp != _loadedStamp && _environmentId != 0)
        {
            _loadedStamp = stamp;
            await LoadAsync();
        }
    }

    private async Task SelectEnvironmentAsync(int environmentId)
    {
        _environmentId = environmentId;
        _loadedStamp = $"{FeatureId}/{_environmentId}/{Stamp}";
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        // Loads can overlap (the first environment's, then a person's pick): only the latest is shown, whichever ends last.
        var load = ++_loads;
        var versions = await Versions.ListAsync(FeatureId, _environmentId);
        if (load != _loads)
        {
            return;
        }

        _versions = versions;
        // By default the live version against the one before it: what the last change did.
        _right = _versions.Count > 0 ? _versions[0].Number : 0;
        _left = _versions.Count > 1 ? _versions[1].Number : _right;
        await CompareAsync(_left, _right);
    }

    private async Task CompareAsync(int left, int right)
    {
        _left = left;
        _right = right;
        if (left == 0 || right == 0)
        {
            _diff = null;
            return;
        }

        var environmentId = _environmentId;
        var a = await Versions.GetAsync(FeatureId, environmentId, left);
        var b = left == right ? a : await Versions.GetAsync(FeatureId, environmentId, right);
        // Only while it is still what is picked: a comparison that ends after another pick (of an environment or of
        // versions) would otherwise replace the newer one.
        if ((environmentId, left, right) == (_environmentId, _left, _right))
        {
            _diff = StatesDiff.Compare(a.States, b.States);
        }
    }

    private async Task RestoreAsync(int number)
    {
        var live = _versions.FirstOrDefault(v => v.IsLive)?.Number;
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            $"Restore version {number}?",
            $"{FeatureName} in {EnvironmentName} goes back to the states of version {number}: on/off, value, weights and segment overrides. "
            + $"It becomes a new version, served to SDKs at once; version {live} stays in the history.",
            yesText: "Restore", cancelText: "Cancel", options: new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small });
        if (confirmed != true)
        {
            return;
        }

        try
        {
            var restored = await Versions.RestoreAsync(FeatureId, _environmentId, number, live);
            Snackbar.Add($"Restored version {number} of {FeatureName} in {EnvironmentName} as version {restored.Version.Number}.", Severity.Success);
        }
        catch (ConcurrencyConflictException)
        {
            Snackbar.Add($"{FeatureName} changed in {EnvironmentName} in the meantime; the history shows it now. Restore again if you still want to.", Severity.Warning);
        }
        catch (Exception exception) when (exception is ForbiddenException or NotFoundException or ValidationException)
        {
            Snackbar.Add(exception.Message, Severity.Error);
        }

        await LoadAsync();
        await Changed.InvokeAsync();
    }
}
