using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Organisations;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Projects;

/// <summary><c>/api/admin/projects</c>: the projects of the key's organisation.</summary>
public static class ProjectsApi
{
    /// <summary>A project; <paramref name="StaleFlagDays"/>: days without an evaluation anywhere after which a flag shows stale.</summary>
    public sealed record ProjectResponse(int Id, int OrganisationId, string Name, bool HideDisabledFlags, int Version, int StaleFlagDays);

    public sealed record CreateProjectRequest([Required(AllowEmptyStrings = true)] string Name);

    /// <summary>The new settings; <paramref name="StaleFlagDays"/> (1 to 3650) is kept when left out.</summary>
    public sealed record UpdateProjectRequest([Required(AllowEmptyStrings = true)] string Name, [Required] bool? HideDisabledFlags, int? Version, int? StaleFlagDays = null);

    public static RouteGroupBuilder MapProjectsApi(this RouteGroupBuilder admin)
    {
        var projects = admin.MapGroup("/projects").WithTags("Projects");
        projects.MapGet("/", ListProjects).WithName("ListProjects").WithSummary("The organisation's projects, by name.");
        projects.MapPost("/", CreateProject).WithName("CreateProject").WithSummary("Creates a project.");
        projects.MapGet("/{projectId}", GetProject).WithName("GetProject").WithSummary("One project.");
        projects.MapPut("/{projectId}", UpdateProject).WithName("UpdateProject").WithSummary("Renames a project or changes its settings; give the version you read.");
        projects.MapDelete("/{projectId}", DeleteProject).WithName("DeleteProject").WithSummary("Deletes a project with all its environments, features and segments.");
        return admin;
    }

    private static async Task<Ok<Paged<ProjectResponse>>> ListProjects([AsParameters] PageRequest page, ClaimsPrincipal user, ProjectService projects, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var all = await projects.ListAsync(user.KeyOrganisationId(), cancellationToken);
        return TypedResults.Ok(page.Of(all.Select(p => new ProjectResponse(p.Id, p.OrganisationId, p.Name, p.HideDisabledFlags, p.Version, p.StaleFlagDays)).ToList()));
    }

    private static async Task<Created<ProjectResponse>> CreateProject(CreateProjectRequest request, ClaimsPrincipal user, ProjectService projects, CancellationToken cancellationToken)
    {
        var project = await projects.CreateAsync(user.KeyOrganisationId(), request.Name, cancellationToken);
        return TypedResults.Created($"/api/admin/projects/{project.Id}", Response(project));
    }

    private static async Task<Ok<ProjectResponse>> GetProject(int projectId, ProjectService projects, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await projects.GetAsync(projectId, cancellationToken)));
    }

    private static async Task<Ok<ProjectResponse>> UpdateProject(int projectId, UpdateProjectRequest request, ProjectService projects, CancellationToken cancellationToken)
    {
        var project = await projects.UpdateAsync(projectId, new ProjectSettings(request.Name, request.HideDisabledFlags!.Value, request.StaleFlagDays), AdminAccess.RequireVersion(request.Version), cancellationToken);
        return TypedResults.Ok(Response(project));
    }

    private static async Task<NoContent> DeleteProject(int projectId, ProjectService projects, CancellationToken cancellationToken)
    {
        await projects.DeleteAsync(projectId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static ProjectResponse Response(Project p) => new(p.Id, p.OrganisationId, p.Name, p.HideDisabledFlags, p.Version, p.StaleFlagDays);
}
