using FlagDashboard.Core.Access;
using Microsoft.AspNetCore.Components;

namespace FlagDashboard.Components.Shared;

/// <summary>A page that shows data of the selected project or environment and reloads when the selection changes.</summary>
public abstract class SelectionAwarePage : ComponentBase, IDisposable
{
    [Inject]
    protected DashboardSelection Selection { get; set; } = null!;

    [Inject]
    protected AccessControl Access { get; set; } = null!;

    protected bool Loading { get; private set; } = true;

    /// <summary>What the person may do in the selected project: actions they may not take are hidden or disabled.</summary>
    protected ProjectPermissions Can { get; private set; } = ProjectPermissions.None;

    protected override async Task OnInitializedAsync()
    {
        Selection.Changed += OnSelectionChanged;
        await ReloadAsync();
    }

    protected abstract Task LoadAsync();

    protected async Task ReloadAsync()
    {
        Loading = true;
        try
        {
            Can = Selection.ProjectId is { } projectId ? await Access.ForProjectAsync(projectId) : ProjectPermissions.None;
            await LoadAsync();
        }
        finally
        {
            Loading = false;
        }
    }

    private void OnSelectionChanged() => _ = InvokeAsync(async () =>
    {
        await ReloadAsync();
        StateHasChanged();
    });

    public void Dispose()
    {
        Selection.Changed -= OnSelectionChanged;
        OnDisposing();
        GC.SuppressFinalize(this);
    }

    /// <summary>For a page that holds more than the selection subscription (a timer, say).</summary>
    protected virtual void OnDisposing()
    {
    }
}
