using System.Security.Claims;
using System.Text.Json;
using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Import;

/// <summary>Flagsmith environment documents in and out: the same files the command line's import and export verbs read and write.</summary>
public static class EnvironmentDocumentsApi
{
    public static RouteGroupBuilder MapEnvironmentDocumentsApi(this RouteGroupBuilder admin)
    {
        var documents = admin.MapGroup("/").WithTags("Environment documents");
        documents.MapGet("/environments/{environmentId}/document", ExportEnvironmentDocument).WithName("ExportEnvironmentDocument")
            .WithSummary("The environment as a Flagsmith environment document, as SDKs in local evaluation read it.")
            .Produces<JsonElement>(StatusCodes.Status200OK, "application/json");
        documents.MapPost("/projects/{projectId}/environment-documents", ImportEnvironmentDocument).WithName("ImportEnvironmentDocument")
            .WithSummary("Imports a Flagsmith environment document into the project: the environment with the document's key is updated to match it, or created (named ?environmentName= or as the document says).")
            .Accepts<JsonElement>("application/json");
        return admin;
    }

    private static async Task<FileContentHttpResult> ExportEnvironmentDocument(int environmentId, AccessControl access, EnvironmentDocumentExporter exporter, CancellationToken cancellationToken)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        var document = await exporter.TryBuildDocumentAsync(environmentId, cancellationToken) ?? throw new NotFoundException("Environment", environmentId);
        return TypedResults.File(document, "application/json");
    }

    /// <summary>
    /// What an import did. The server-side key is given only for an environment the import created, as on any other
    /// creation: an existing environment's keys are not handed out again.
    /// </summary>
    public sealed record ImportResponse(
        int EnvironmentId, string EnvironmentName, string ClientKey, string? ServerSideKey, bool EnvironmentCreated, int Changes, ImportCounts Counts);

    private static async Task<Ok<ImportResponse>> ImportEnvironmentDocument(
        int projectId, string? environmentName, HttpRequest request, AccessControl access,
        ProjectService projects, EnvironmentDocumentImporter importer, IActorAccessor actors, CancellationToken cancellationToken)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Project, projectId, cancellationToken);
        if (request.ContentLength == 0)
        {
            throw new ValidationException("body", "The body is the environment document (JSON).");
        }

        var project = await projects.GetAsync(projectId, cancellationToken);
        var result = await importer.ImportAsync(project.Organisation!.Name, project.Name, environmentName, request.Body, await actors.GetActorAsync(), cancellationToken);
        return TypedResults.Ok(new ImportResponse(result.EnvironmentId, result.EnvironmentName, result.ClientKey,
            result.EnvironmentCreated ? result.ServerSideKey : null, result.EnvironmentCreated, result.Changes, result.Counts));
    }
}
