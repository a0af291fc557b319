using System.Security.Claims;
using FlagDashboard.Core;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Organisations;

namespace FlagDashboard.AdminApi;

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

        // Binding reads an int as int.Parse does: "+5", " 5" (%205) and "5\n" (5%0a) all became 5. Only the
        // handler's int parameters are numbers: a person's id (userId) is text.
        var handler = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<System.Reflection.MethodInfo>();
        foreach (var (name, value) in context.HttpContext.Request.RouteValues)
        {
            var isNumber = handler?.GetParameters().Any(p => p.Name == name && p.ParameterType == typeof(int)) ?? name.EndsWith("Id", StringComparison.Ordinal);
            if (isNumber && value is string text && !IsPlainId(text))
            {
                return TypedResults.ValidationProblem(
                    new Dictionary<string, string[]> { [name] = [$"'{text}' is not an id: write it with the digits 0-9 only."] },
                    title: "The request could not be read.");
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
        catch (ChangeRequestOpenedException exception)
        {
            // Not made but proposed: the environment requires approvals. The body says where the request is.
            var location = $"/api/admin/change-requests/{exception.ChangeRequestId}";
            context.HttpContext.Response.Headers.Location = location;
            return TypedResults.Json(new { changeRequestId = exception.ChangeRequestId, location, detail = exception.Message }, statusCode: StatusCodes.Status202Accepted);
        }
        catch (ForbiddenException exception)
        {
            return TypedResults.Problem(exception.Message, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed.");
        }
    }

    private static bool IsPlainId(string text) => text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit);
}

internal static class AdminAccess
{
    /// <summary>An update must say which version it was made from; without it a stale edit could not be told apart.</summary>
    public static int RequireVersion(int? version) =>
        version ?? throw new ValidationException("version", "The version the change was made from is required (from the last read); a stale version gets 409.");
}
