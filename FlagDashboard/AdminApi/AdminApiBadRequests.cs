using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlagDashboard.AdminApi;

/// <summary>
/// Minimal APIs answer a body or query they cannot read with an empty 400. For the admin API this says
/// which field is wrong, as problem details; every other route keeps the empty 400 it always had.
/// Needs <c>RouteHandlerOptions.ThrowOnBadRequest</c>, and sits innermost so no exception page sees it.
/// </summary>
internal sealed partial class AdminApiBadRequests(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, IProblemDetailsService problems)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            context.Response.StatusCode = exception.StatusCode;
            if (!AdminApiEmptyErrors.IsAdminApiPath(context.Request.Path))
            {
                return;
            }

            await problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = new Microsoft.AspNetCore.Http.HttpValidationProblemDetails(DescribeAll(exception))
                {
                    Status = exception.StatusCode,
                    Title = "The request could not be read.",
                },
            });
        }
    }

    private static Dictionary<string, string[]> DescribeAll(BadHttpRequestException exception)
    {
        // A required member left out (AdminApiRequiredMembers): every one the serializer names.
        if (exception.InnerException is JsonException missing && MissingMembers().Match(missing.Message) is { Success: true } match)
        {
            return match.Groups["names"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
                .Select(name => name.Trim('\''))
                .Distinct(StringComparer.Ordinal)
                .ToDictionary(name => name, _ => new[] { "Required: this field may not be left out." }, StringComparer.Ordinal);
        }

        var (field, message) = Describe(exception);
        return new Dictionary<string, string[]> { [field] = [message] };
    }

    internal static (string Field, string Message) Describe(BadHttpRequestException exception)
    {
        // A syntax error comes from the reader, wrapped: the body as a whole is not JSON.
        if (exception.InnerException is JsonException { InnerException: JsonException syntax })
        {
            var cut = syntax.Message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            return ("body", $"The body is not valid JSON: {(cut > 0 ? syntax.Message[..cut].TrimEnd() : syntax.Message)}");
        }

        if (exception.InnerException is JsonException json)
        {
            var field = json.Path is null or "$" ? "body" : json.Path.StartsWith("$.", StringComparison.Ordinal) ? json.Path[2..] : json.Path;
            var message = json.Message;
            var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
            message = cut > 0 ? message[..cut] : message;
            return (field, message.Contains("could not be converted", StringComparison.Ordinal)
                ? "This value has the wrong type for this field."
                : message);
        }

        if (exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase) || exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ("body", exception.StatusCode == StatusCodes.Status415UnsupportedMediaType
                ? "Send the body as JSON (Content-Type: application/json)."
                : "A JSON body is required.");
        }

        var parameter = ParameterName().Match(exception.Message);
        return parameter.Success
            ? (JsonNamingPolicy.CamelCase.ConvertName(parameter.Groups["name"].Value), $"'{parameter.Groups["value"].Value}' is not a valid value here.")
            : ("request", exception.Message);
    }

    [GeneratedRegex("""parameter "[^"]*?(?<name>\w+)" from "(?<value>[^"]*)""")]
    private static partial Regex ParameterName();

    [GeneratedRegex("missing required properties including: (?<names>.*?)\\.?$")]
    private static partial Regex MissingMembers();
}
