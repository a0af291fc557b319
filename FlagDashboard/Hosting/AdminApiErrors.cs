using System.Security.Claims;
using FlagDashboard.Core;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Organisations;

namespace FlagDashboard.Hosting;

/// <summary>
/// Turns the Core services' exceptions into RFC 9457 problem details for the admin API: a broken rule is
/// 400 with each message under the field it concerns, a stale version 409, so handlers stay on the happy path.
/// </summary>
internal sealed class AdminApiErrors : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        foreach (var argument in context.Arguments)
        {
            if (AdminApiNullItems.Find(argument) is { } path)
            {
                return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [path] = ["May not be null."] }, title: "The request breaks a rule.");
            }
        }

        try
        {
            return await next(context);
        }
        catch (ValidationException exception)
        {
            return TypedResults.ValidationProblem(exception.Errors.ToDictionary(e => e.Key, e => e.Value), title: "The request breaks a rule.");
        }
        catch (EnvironmentDocumentException exception)
        {
            return TypedResults.ValidationProblem(
                exception.Errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "The environment document cannot be imported.");
        }
        catch (NotFoundException exception)
        {
            return TypedResults.Problem(exception.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found.");
        }
        catch (ConcurrencyConflictException exception)
        {
            return TypedResults.Problem(exception.Message, statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else.");
        }
        catch (ForbiddenException exception)
        {
            return TypedResults.Problem(exception.Message, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.");
        }
    }
}

internal static class AdminAccess
{
    /// <summary>An update must say which version it was made from; without it a stale edit could not be told apart.</summary>
    public static int RequireVersion(int? version) =>
        version ?? throw new ValidationException("version", "The version the change was made from is required (from the last read); a stale version gets 409.");
}
