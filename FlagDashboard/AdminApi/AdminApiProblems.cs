using System.ComponentModel;
using System.Text.Json;
using FlagDashboard.Core;
using FlagDashboard.Core.Import;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Metadata;

namespace FlagDashboard.AdminApi;

/// <summary>
/// The admin API's one way of answering an error: RFC 9457 problem details written through the app's
/// <see cref="IProblemDetailsService"/>. Request bodies are checked by the framework's validation (<c>AddValidation</c>,
/// DataAnnotations on the request records); what arrives as an exception is shaped here the same way: input the
/// framework could not read (named by the serializer's JSON path, or by the endpoint's parameter whose route or
/// query text its type cannot read) and the Core services' refusals (a broken rule 400, not allowed 403, not found
/// 404, a stale version 409), so handlers stay on the happy path.
/// </summary>
internal sealed class AdminApiProblems : IExceptionHandler
{
    private const string Unreadable = "The request could not be read.";

    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsAdminApiPath(context.Request.Path))
        {
            // Thrown for every route (RouteHandlerOptions.ThrowOnBadRequest); the others keep the empty 400 they always had.
            if (exception is BadHttpRequestException other)
            {
                context.Response.StatusCode = other.StatusCode;
                return true;
            }

            return false;
        }

        if (exception is ChangeRequestOpenedException opened)
        {
            // Not made but proposed: the environment requires approvals. The body says where the request is.
            var location = $"/api/admin/change-requests/{opened.ChangeRequestId}";
            context.Response.Headers.Location = location;
            await TypedResults.Json(new { changeRequestId = opened.ChangeRequestId, location, detail = opened.Message }, statusCode: StatusCodes.Status202Accepted)
                .ExecuteAsync(context);
            return true;
        }

        IResult? problem = exception switch
        {
            BadHttpRequestException bad => BadRequest(context, bad),
            ValidationException invalid => TypedResults.ValidationProblem(invalid.Errors, title: "The request breaks a rule."),
            EnvironmentDocumentException document => TypedResults.ValidationProblem(
                document.Errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()),
                title: "The environment document cannot be imported."),
            NotFoundException notFound => TypedResults.Problem(notFound.Message, statusCode: StatusCodes.Status404NotFound, title: "Not found."),
            ConcurrencyConflictException stale => TypedResults.Problem(stale.Message, statusCode: StatusCodes.Status409Conflict, title: "Changed by someone else."),
            ForbiddenException forbidden => TypedResults.Problem(forbidden.Message, statusCode: StatusCodes.Status403Forbidden, title: "Not allowed."),
            _ => null,
        };
        if (problem is null)
        {
            return false;
        }

        // Through the IProblemDetailsService when the Accept header allows it, as JSON anyway otherwise.
        await problem.ExecuteAsync(context);
        return true;
    }

    /// <summary>
    /// Binding reads an int as int.Parse does: "+5", " 5" (%205) and "5\n" (5%0a) all became 5. An id in the path is
    /// written with the digits 0-9 only; a person's id (userId) is text, so only the handler's int parameters are ids.
    /// </summary>
    internal static ValueTask<object?> RequirePlainIds(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var routeValues = context.HttpContext.Request.RouteValues;
        foreach (var parameter in context.HttpContext.GetEndpoint()?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>() ?? [])
        {
            if (parameter.ParameterInfo.ParameterType == typeof(int) && routeValues.TryGetValue(parameter.Name, out var value)
                && value is string text && !(text.Length is > 0 and <= 10 && text.All(char.IsAsciiDigit)))
            {
                throw new ValidationException(parameter.Name, $"'{text}' is not an id: write it with the digits 0-9 only.");
            }
        }

        return next(context);
    }

    /// <summary>The admin API and the usage API, both for admin API keys.</summary>
    internal static bool IsAdminApiPath(PathString path) =>
        path.StartsWithSegments("/api/admin") || path.StartsWithSegments("/api/usage");

    /// <summary>Whether routing chose an admin API route (rather than a 405, a 415 or the dashboard's fallback).</summary>
    internal static bool IsAdminApiEndpoint(Endpoint? endpoint) =>
        endpoint?.Metadata.GetOrderedMetadata<IAuthorizeData>().Any(a => a.Policy == AdminApiKeyAuthenticationHandler.PolicyName) == true;

    /// <summary>
    /// Every problem details the app writes passes here (ProblemDetailsOptions.CustomizeProblemDetails): validation's,
    /// this handler's, and the status-code pages' for an answer left empty (a sign-in challenge, routing's 404 or 415).
    /// </summary>
    internal static void Customize(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        if (!IsAdminApiPath(http.Request.Path))
        {
            return;
        }

        var problem = context.ProblemDetails;
        if (problem is HttpValidationProblemDetails validation)
        {
            UseJsonNames(validation.Errors);
        }

        if (problem.Status == StatusCodes.Status401Unauthorized && problem.Title is null or "Unauthorized")
        {
            problem.Title = "An admin API key is required.";
        }

        problem.Detail ??= problem.Status switch
        {
            StatusCodes.Status401Unauthorized => AdminApiKeyAuthenticationHandler.IsPresented(http.Request)
                ? "The API key is unknown or revoked."
                : "Send Authorization: Api-Key <key>; an operator creates one with the create-api-key command.",
            StatusCodes.Status404NotFound when !IsAdminApiEndpoint(http.GetEndpoint()) =>
                $"The admin API has no {http.Request.Method} {http.Request.Path}; its routes are in /openapi/v1.json.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON (Content-Type: application/json).",
            _ => null,
        };
    }

    /// <summary>
    /// Validation names a member as the record declares it (<c>Rules[0].Conditions</c>); clients read the JSON names
    /// (<c>rules[0].conditions</c>), as the serializer's paths and the Core services' errors already give them.
    /// </summary>
    private static void UseJsonNames(IDictionary<string, string[]> errors)
    {
        foreach (var (key, messages) in errors.Where(error => error.Key is [var first, ..] && char.IsUpper(first)).ToList())
        {
            var name = string.Join('.', key.Split('.').Select(JsonNamingPolicy.CamelCase.ConvertName));
            errors.Remove(key);
            errors[name] = errors.TryGetValue(name, out var earlier) ? [.. earlier, .. messages] : messages;
        }
    }

    /// <summary>
    /// What minimal APIs could not bind. A body the serializer refused carries the JSON path and position of the
    /// trouble; a route or query value is named by the endpoint's parameter whose type cannot read its text.
    /// </summary>
    private static IResult BadRequest(HttpContext context, BadHttpRequestException exception)
    {
        var (field, message) = exception.InnerException switch
        {
            // A syntax error comes from the reader, wrapped: the body as a whole is not JSON.
            JsonException { InnerException: JsonException } syntax =>
                ("body", $"The body is not valid JSON (line {syntax.LineNumber + 1}, byte {syntax.BytePositionInLine + 1})."),
            JsonException json => (FieldOf(json.Path), "This value has the wrong type for this field."),
            _ when exception.StatusCode == StatusCodes.Status415UnsupportedMediaType => ("body", "Send the body as JSON (Content-Type: application/json)."),
            _ => UnreadableParameter(context) ?? ("body", "A JSON body is required."),
        };
        return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { [field] = [message] })
        {
            Status = exception.StatusCode,
            Title = Unreadable,
        });
    }

    private static string FieldOf(string? path) =>
        path is null or "$" ? "body" : path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;

    private static (string Field, string Message)? UnreadableParameter(HttpContext context)
    {
        var failure = context.Features.Get<IExceptionHandlerFeature>();
        var endpoint = failure?.Endpoint ?? context.GetEndpoint();
        var routeValues = failure?.RouteValues ?? context.Request.RouteValues;
        foreach (var parameter in endpoint?.Metadata.GetOrderedMetadata<IParameterBindingMetadata>() ?? [])
        {
            // As the client wrote it: [FromQuery(Name = "threshold_days")] rather than the parameter's own name.
            var name = parameter.ParameterInfo.GetCustomAttributes(inherit: false).OfType<IFromQueryMetadata>().FirstOrDefault()?.Name
                ?? JsonNamingPolicy.CamelCase.ConvertName(parameter.Name);
            var text = routeValues.TryGetValue(name, out var value) && value is string routed
                ? routed
                : context.Request.Query.TryGetValue(name, out var queried) ? queried.ToString() : null;
            var converter = TypeDescriptor.GetConverter(parameter.ParameterInfo.ParameterType);
            if (text is { Length: > 0 } && converter.CanConvertFrom(typeof(string)) && !converter.IsValid(text))
            {
                return (name, $"'{text}' is not a valid value here.");
            }
        }

        return null;
    }
}
