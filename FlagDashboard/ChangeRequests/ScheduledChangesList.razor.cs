using FlagDashboard.Components.Shared;
using FlagDashboard.Core.ChangeRequests;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.ChangeRequests;

/// <summary>
/// A feature's pending schedules in the project's environments: scheduled, waiting for approval, or flagged as
/// conflicts; each can be cancelled.
/// </summary>
public sealed partial class ScheduledChangesList
{
    private IReadOnlyList<ChangeRequestSummary> _schedules = [];
    private string? _loadedStamp;

    [Parameter, EditorRequired]
    public int FeatureId { get; set; }

    [Parameter, EditorRequired]
    public IReadOnlyDictionary<int, string> Environments { get; set; } = new Dictionary<int, string>();

    /// <summary>Changes when the feature's states change, so the schedules are read again.</summary>
    [Parameter]
    public string? Stamp { get; set; }

    [Parameter, EditorRequired]
    public Func<int, bool> CanCancel { get; set; } = _ => false;

    [Inject]
    private ChangeRequestService Requests { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    protected override async Task OnParametersSetAsync()
    {
        var stamp = $"{FeatureId}/{string.Join(',', Environments.Keys)}/{Stamp}";
        if (stamp != _loadedStamp)
        {
            _loadedStamp = stamp;
            await LoadAsync();
        }
    }

    private async Task LoadAsync() =>
        _schedules = await Requests.ListSchedulesOfFeatureAsync(FeatureId, [.. Environments.Keys]);

    private async Task CancelAsync(ChangeRequestSummary schedule)
    {
        await Snackbar.RunAsync(() => Requests.CloseAsync(schedule.Id), "Schedule cancelled: the change will not be applied.");
        await LoadAsync();
    }
}
