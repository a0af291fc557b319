using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Versions;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.ChangeRequests;

/// <summary>One change request: what it would change, its approvals, and approve, commit, rebase and close.</summary>
public sealed partial class ChangeRequestPage
{
    private IReadOnlyList<(string Text, string Href)> _trail = [];
    private ChangeRequestDetail? _request;
    private IReadOnlyList<DiffLine> _diff = [];
    private string _environmentName = "";
    private bool _notFound;
    private bool _canReview;
    private bool _canCommit;
    private string? _scheduleAt;

    [Parameter]
    public int Id { get; set; }

    [Inject]
    private ChangeRequestService Requests { get; set; } = null!;

    [Inject]
    private Core.Environments.EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            var request = await Requests.GetAsync(Id);
            var environment = await Environments.GetAsync(request.Summary.EnvironmentId);
            var can = await Access.ForProjectAsync(environment.ProjectId);
            _environmentName = environment.Name;
            _trail = [("Change requests", $"/environments/{environment.Id}/change-requests")];
            _canReview = can.CanChangeStates(environment.Id) || can.CanApproveChanges(environment.Id);
            _canCommit = can.CanApproveChanges(environment.Id);
            _diff = request.Live is { } live ? StatesDiff.Compare(live, request.Proposed) : [];
            _request = request;
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            _notFound = true;
        }
    }

    private Task ApproveAsync() => RunAsync(() => Requests.ApproveAsync(Id), "Approved.");

    private Task CommitAsync() => RunAsync(() => Requests.CommitAsync(Id), "Committed: the proposed states are live.");

    /// <summary>The time picked in the browser's field is local time on this server, as the page shows times.</summary>
    private Task ScheduleAsync()
    {
        if (!LocalTimeField.TryParse(_scheduleAt, out var at))
        {
            Snackbar.Add("Pick a date and time to schedule the change for.", Severity.Warning);
            return Task.CompletedTask;
        }

        return RunAsync(() => Requests.CommitAsync(Id, at), $"Scheduled: it goes live at {at.ToLocalTime():g}.");
    }

    private Task RebaseAsync() => RunAsync(() => Requests.RebaseAsync(Id), "Rebased on the live version; it needs its approvals again.");

    private Task CloseAsync() => RunAsync(() => Requests.CloseAsync(Id), "Closed without applying it.");

    private async Task RunAsync(Func<Task> change, string done)
    {
        await Snackbar.RunAsync(change, done);
        await LoadAsync();
    }
}
