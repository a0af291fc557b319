using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Environments;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.ChangeRequests;

/// <summary>An environment's change requests and its approval setting.</summary>
public sealed partial class ChangeRequestsPage
{
    private IReadOnlyList<(string Text, string Href)> _trail = [("Environments", "/environments")];
    private ProjectEnvironment? _environment;
    private IReadOnlyList<ChangeRequestSummary> _requests = [];
    private bool _notFound;
    private bool _includeDone;
    private bool _canManage;
    private int _required;

    [Parameter]
    public int EnvironmentId { get; set; }

    [Inject]
    private EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private ChangeRequestService Requests { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _environment = await Environments.GetAsync(EnvironmentId);
            _trail = [("Environments", "/environments"), (_environment.Name, "/environments")];
            _canManage = (await Access.ForProjectAsync(_environment.ProjectId)).CanManage;
            _required = _environment.RequiredApprovals;
            _requests = await Requests.ListAsync(EnvironmentId, _includeDone);
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            _notFound = true;
        }
    }

    private async Task ShowDoneAsync(bool includeDone)
    {
        _includeDone = includeDone;
        await LoadAsync();
    }

    private async Task SaveRequiredAsync()
    {
        if (await Snackbar.RunAsync(() => Environments.SetRequiredApprovalsAsync(EnvironmentId, _required, _environment!.Version),
            _required == 0 ? $"Changes in {_environment!.Name} go live at once." : $"Changes in {_environment!.Name} now need {_required} approval(s)."))
        {
            await LoadAsync();
        }
    }
}
