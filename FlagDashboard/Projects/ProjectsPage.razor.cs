using FlagDashboard.Components.Shared;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Organisations;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Projects;

public partial class ProjectsPage
{
    [Inject]
    private ProjectService Projects { get; set; } = null!;

    [Inject]
    private OrganisationService Organisations { get; set; } = null!;

    [Inject]
    private EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private DashboardSelection Selection { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    private IReadOnlyList<ProjectSummary>? _projects;
    private OrganisationsPanel? _organisationsPanel;
    private string _organisationName = "";
    private string _projectName = "";
    private string? _nameError;
    private string? _organisationError;
    private bool _saving;
    private AccessRights _rights = AccessRights.Nothing;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    protected override async Task OnInitializedAsync()
    {
        _projects = await Projects.ListAsync();
        _rights = await Access.RightsAsync();
        _organisationName = _projects.FirstOrDefault()?.OrganisationName ?? "";
    }

    private bool CanManage(ProjectSummary project) => _rights.Allows(Permission.ManageProject, new ResourceScope(project.OrganisationId, project.Id));

    private async Task ReloadAsync()
    {
        _projects = await Projects.ListAsync();
        _rights = await Access.RightsAsync();
        if (_organisationsPanel is not null)
        {
            await _organisationsPanel.ReloadAsync();
        }

        // The scope picker follows when the selected project went away (deleted with its organisation, say).
        if (Selection.ProjectId is { } selected && _projects.All(p => p.Id != selected))
        {
            var next = _projects.FirstOrDefault();
            var environments = next is null ? [] : await Environments.ListAsync(next.Id);
            Selection.Select(next?.Id, environments.FirstOrDefault()?.Id);
        }
    }

    private async Task CreateAsync()
    {
        _nameError = _organisationError = null;
        _saving = true;
        try
        {
            var organisationName = _organisationName.Trim();
            var organisation = (await Organisations.ListAsync()).FirstOrDefault(o => o.Name == organisationName);
            if (organisation is null)
            {
                // A mistyped name must not quietly make a second organisation: a new one is made only when confirmed,
                // and only with a project to go in it.
                var projectName = _projectName.Trim();
                if (organisationName.Length == 0 || projectName.Length == 0)
                {
                    _organisationError = organisationName.Length == 0 ? "Name an existing organisation, or a new one." : null;
                    _nameError = projectName.Length == 0 ? "Name the project." : null;
                    return;
                }

                if (!await Dialogs.ConfirmAsync($"Create organisation {organisationName}?",
                        $"No organisation is named {organisationName}. Create it, with {projectName} as its first project?", "Create organisation"))
                {
                    _organisationError = $"No organisation is named {organisationName}: type an existing one, or confirm creating it.";
                    return;
                }

                _organisationError = await DashboardDialogs.TryAsync(async () => organisation = await ToSummaryAsync(await Organisations.CreateAsync(organisationName)));
                if (_organisationError is not null)
                {
                    return;
                }
            }

            Project? project = null;
            _nameError = await DashboardDialogs.TryAsync(async () => project = await Projects.CreateAsync(organisation!.Id, _projectName.Trim()));
            if (project is null)
            {
                return;
            }

            Snackbar.Add($"Created project {project.Name}. Add an environment next.", Severity.Success);
            _projectName = "";
            await ReloadAsync();
            Selection.Select(project.Id, null);
        }
        finally
        {
            _saving = false;
        }
    }

    private static Task<OrganisationSummary> ToSummaryAsync(Organisation organisation) =>
        Task.FromResult(new OrganisationSummary(organisation.Id, organisation.Name, organisation.Version, 0));

    private async Task OpenAsync(ProjectSummary project)
    {
        var environments = await Environments.ListAsync(project.Id);
        Selection.Select(project.Id, environments.FirstOrDefault()?.Id);
        Snackbar.Add($"Working in {project.Name}.", Severity.Info);
    }

    private async Task SetHideDisabledAsync(ProjectSummary project, bool hide)
    {
        if (await Snackbar.RunAsync(() => Projects.UpdateAsync(project.Id, new ProjectSettings(project.Name, hide), project.Version),
                hide ? $"SDKs no longer receive disabled flags of {project.Name}." : $"SDKs receive every flag of {project.Name} again."))
        {
            await ReloadAsync();
        }
    }

    private async Task SetStaleFlagDaysAsync(ProjectSummary project, int days)
    {
        if (days == project.StaleFlagDays)
        {
            return;
        }

        // Reloaded either way: a refused value must not stay in the field as if saved.
        await Snackbar.RunAsync(() => Projects.UpdateAsync(project.Id, new ProjectSettings(project.Name, project.HideDisabledFlags, days), project.Version),
            $"A flag of {project.Name} is stale after {days} day(s) without an evaluation.");
        await ReloadAsync();
    }

    private async Task RenameAsync(ProjectSummary project)
    {
        var saved = await Dialogs.PromptNameAsync($"Rename {project.Name}", "Project name", project.Name, "Rename",
            name => DashboardDialogs.TryAsync(() => Projects.UpdateAsync(project.Id, new ProjectSettings(name, project.HideDisabledFlags), project.Version)));
        if (saved)
        {
            Snackbar.Add("Renamed the project.", Severity.Success);
            Selection.NotifyNamesChanged();
            await ReloadAsync();
        }
    }

    private async Task DeleteAsync(ProjectSummary project)
    {
        if (!await Dialogs.ConfirmAsync($"Delete {project.Name}?",
                $"This deletes the project with its {project.EnvironmentCount} environment(s), {project.FeatureCount + project.ArchivedFeatureCount} feature(s), segments and identities. SDK keys stop working at once."))
        {
            return;
        }

        if (await Snackbar.RunAsync(() => Projects.DeleteAsync(project.Id), $"Deleted project {project.Name}."))
        {
            await ReloadAsync();
        }
    }
}
