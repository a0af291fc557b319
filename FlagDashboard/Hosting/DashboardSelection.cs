namespace FlagDashboard.Hosting;

/// <summary>The project and environment a person is working in, shared by the pages of one circuit.</summary>
public sealed class DashboardSelection
{
    public int? ProjectId { get; private set; }

    public int? EnvironmentId { get; private set; }

    public event Action? Changed;

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
