using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Access;
using System.Text;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Projects;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.JSInterop;
using MudBlazor;

namespace FlagDashboard.Environments;

public partial class EnvironmentDocumentPanel
{
    [Inject]
    private EnvironmentDocumentImporter Importer { get; set; } = null!;

    [Inject]
    private EnvironmentDocumentExporter Exporter { get; set; } = null!;

    [Inject]
    private ProjectService Projects { get; set; } = null!;

    [Inject]
    private IActorAccessor Actors { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    private const long MaxDocumentBytes = 20 * 1024 * 1024;

    // The outcome is shown below, not as a chip of the chosen file.
    private static readonly RenderFragment<IBrowserFile?> NoSelection = _ => _ => { };

    [Parameter, EditorRequired]
    public int ProjectId { get; set; }

    [Parameter]
    public EnvironmentSummary? Environment { get; set; }

    [Parameter]
    public EventCallback<int> Imported { get; set; }

    private string _environmentName = "";
    private bool _importing;
    private IReadOnlyList<DocumentError> _errors = [];
    private ImportResult? _result;

    private async Task ImportAsync(IBrowserFile? file)
    {
        if (file is null)
        {
            return;
        }

        _errors = [];
        _result = null;
        if (file.Size > MaxDocumentBytes)
        {
            _errors = [new DocumentError("$", $"The file is {file.Size / 1024 / 1024} MB; at most {MaxDocumentBytes / 1024 / 1024} MB is accepted.")];
            return;
        }

        _importing = true;
        try
        {
            await Access.RequireAsync(Permission.ManageProject, OwnedResource.Project, ProjectId);
            var project = await Projects.GetAsync(ProjectId);
            using var buffer = new MemoryStream();
            await using (var upload = file.OpenReadStream(MaxDocumentBytes))
            {
                await upload.CopyToAsync(buffer);
            }

            buffer.Position = 0;
            var name = string.IsNullOrWhiteSpace(_environmentName) ? null : _environmentName.Trim();
            _result = await Importer.ImportAsync(project.Organisation!.Name, project.Name, name, buffer, await Actors.GetActorAsync());
            Snackbar.Add($"Imported {file.Name} into {_result.EnvironmentName}.", Severity.Success);
            _environmentName = "";
            await Imported.InvokeAsync(_result.EnvironmentId);
        }
        catch (EnvironmentDocumentException exception)
        {
            _errors = exception.Errors;
            Snackbar.Add($"{file.Name} was not imported: {exception.Errors.Count} problem(s).", Severity.Error);
        }
        catch (Exception exception) when (exception is ValidationException or ConcurrencyConflictException or NotFoundException or ForbiddenException)
        {
            _errors = [new DocumentError("$", DashboardDialogs.Describe(exception))];
            Snackbar.Add($"{file.Name} was not imported.", Severity.Error);
        }
        finally
        {
            _importing = false;
        }
    }

    private async Task ExportAsync()
    {
        if (Environment is null)
        {
            return;
        }

        await Access.RequireAsync(Permission.Read, OwnedResource.Environment, Environment.Id);
        var document = await Exporter.TryBuildDocumentAsync(Environment.Id);
        if (document is null)
        {
            Snackbar.Add($"{Environment.Name} was deleted; reload the page.", Severity.Error);
            return;
        }

        await using var module = await JS.InvokeAsync<IJSObjectReference>("import", CopyButton.ModulePath);
        await module.InvokeVoidAsync("download", $"{Environment.Name}.environment-document.json", Encoding.UTF8.GetString(document), "application/json");
        Snackbar.Add($"Downloaded the document of {Environment.Name}.", Severity.Success);
    }
}
