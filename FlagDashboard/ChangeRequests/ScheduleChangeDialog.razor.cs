using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Flags;
using FlagDashboard.Flags;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.ChangeRequests;

/// <summary>Schedules a feature's switch and value in one environment for a future time.</summary>
public sealed partial class ScheduleChangeDialog
{
    private bool _enabled;
    private FlagValueDraft _value = new();
    private string? _at;
    private string? _title;
    private string? _timeError;
    private string? _error;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = null!;

    [Inject]
    private ChangeRequestService Requests { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private TimeProvider Clock { get; set; } = null!;

    /// <summary>What the state is called, e.g. "banner in Production".</summary>
    [Parameter, EditorRequired]
    public string Name { get; set; } = "";

    [Parameter, EditorRequired]
    public int FeatureId { get; set; }

    [Parameter, EditorRequired]
    public int EnvironmentId { get; set; }

    /// <summary>The live state, the starting point of the change.</summary>
    [Parameter, EditorRequired]
    public FeatureStateView State { get; set; } = null!;

    public static DialogOptions Options { get; } = new() { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true };

    protected override void OnInitialized()
    {
        _enabled = State.Enabled;
        _value = new FlagValueDraft(State.Value);
        _at = LocalTimeField.Format(Clock.GetUtcNow().AddHours(1));
    }

    private async Task ScheduleAsync()
    {
        _error = null;
        _timeError = LocalTimeField.TryParse(_at, out var at) ? null : "Pick the date and time the change goes live.";
        if (_saving || _timeError is not null || !_value.TryParse(out var value))
        {
            return;
        }

        _saving = true;
        try
        {
            var request = await Requests.ScheduleStateAsync(FeatureId, EnvironmentId, _enabled, value, at, _title);
            Snackbar.Add(request.Summary.Status == ChangeRequestStatus.Scheduled
                ? $"Scheduled: {Name} changes at {at.ToLocalTime():g}."
                : $"Change request #{request.Summary.Id} opened: {Name} changes at {at.ToLocalTime():g} once it is approved.", Severity.Success);
            Dialog.Close(DialogResult.Ok(request.Summary.Id));
        }
        catch (ValidationException exception)
        {
            _timeError = exception.Errors.TryGetValue("scheduledFor", out var timeErrors) ? string.Join(" ", timeErrors) : null;
            _value.Error = exception.Errors.TryGetValue("value", out var valueErrors) ? string.Join(" ", valueErrors) : null;
            _error = _timeError is null && _value.Error is null ? DashboardDialogs.Describe(exception) : null;
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            Snackbar.AddRefusal(exception, Name);
            Dialog.Close(DialogResult.Ok(0));
        }
        finally
        {
            _saving = false;
        }
    }
}
