namespace FlagDashboard.Components.Shared;

/// <summary>The project and environment a person is working in, shared by the pages of one circuit.</summary>
public sealed class DashboardSelection
{
    public int? ProjectId { get; private set; }

    public int? EnvironmentId { get; private set; }

    public event Action? Changed;

    /// <summary>A project or environment was renamed: the pickers read their names again; the pages need not reload.</summary>
    public event Action? NamesChanged;

    public void NotifyNamesChanged() => NamesChanged?.Invoke();

    public void Select(int? projectId, int? environmentId)
    {
        if (projectId == ProjectId && environmentId == EnvironmentId)
        {
            return;
        }

        ProjectId = projectId;
        EnvironmentId = environmentId;
        Changed?.Invoke();
    }
}
