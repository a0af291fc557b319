using System.Text.Json;

namespace FlagDashboard.Sdk;

/// <summary>Errors in Flagsmith's shape, <c>{"detail": "..."}</c>, which the SDKs expect on their routes.</summary>
internal static class SdkErrors
{
    public static IResult Detail(int statusCode, string detail) =>
        TypedResults.Json(new DetailBody(detail), JsonOptions, statusCode: statusCode);

    public static IResult Forbidden(string detail) => Detail(StatusCodes.Status403Forbidden, detail);

    /// <summary>An unexpected failure, still in the SDKs' shape; the details go to the log, not to the client.</summary>
    public static IResult ServerFailure() =>
        Detail(StatusCodes.Status500InternalServerError, "The server failed to answer this request; the failure is logged.");

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web);

    private sealed record DetailBody(string Detail);
}

/// <summary>A request body that does not have the shape a call needs; the message names the field.</summary>
internal sealed class SdkRequestException(string message, int statusCode = StatusCodes.Status400BadRequest) : Exception(message)
{
    public int StatusCode { get; } = statusCode;
}
