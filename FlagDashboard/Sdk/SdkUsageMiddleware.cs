using FlagDashboard.Core.Usage;

namespace FlagDashboard.Sdk;

/// <summary>
/// The one recording point of SDK traffic: every request under <c>/api/v1/</c>, rejected
/// ones included, is counted by resource and status class, under its environment or as "unknown".
/// Also the one place SDK errors take the SDKs' shape, <c>{"detail": …}</c>: a request of the wrong shape
/// (<see cref="SdkRequestException"/>, or a body Kestrel refused) answers 4xx naming the field, and an
/// unexpected failure 500, logged.
/// </summary>
internal sealed class SdkUsageMiddleware(RequestDelegate next, IUsageRecorder usage, ILogger<SdkUsageMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (SdkRequestException exception) when (!context.Response.HasStarted)
        {
            await SdkErrors.Detail(exception.StatusCode, exception.Message).ExecuteAsync(context);
        }
        catch (BadHttpRequestException exception) when (!context.Response.HasStarted)
        {
            await SdkErrors.Detail(exception.StatusCode, exception.Message).ExecuteAsync(context);
        }
        catch (Exception exception) when (!context.Response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(exception, "SDK request {Method} {Path} failed", context.Request.Method, context.Request.Path);
            context.Response.Clear();
            if (context.Request.Headers.ContainsKey(Microsoft.Net.Http.Headers.HeaderNames.Origin))
            {
                // Clear() took the CORS headers too; without them a browser could not read the answer.
                context.Response.Headers.AccessControlAllowOrigin = "*";
            }

            await SdkErrors.ServerFailure().ExecuteAsync(context);
        }
        finally
        {
            if (!HttpMethods.IsOptions(context.Request.Method))
            {
                var caller = context.CallerOrNull();
                var data = caller?.Environment.Data;
                usage.RecordApiCall(new ApiCall(
                    data?.OrganisationId,
                    data?.ProjectId,
                    data?.EnvironmentId,
                    ResourceOf(context.Request.Path),
                    StatusClassOf(context.Response.StatusCode)));
            }
        }
    }

    internal static SdkResource ResourceOf(PathString path)
    {
        var rest = path.Value.AsSpan("/api/v1/".Length - 1).TrimStart('/');
        return rest switch
        {
            _ when rest.StartsWith("flags", StringComparison.OrdinalIgnoreCase) => SdkResource.Flags,
            _ when rest.StartsWith("identities", StringComparison.OrdinalIgnoreCase) => SdkResource.Identities,
            _ when rest.StartsWith("traits", StringComparison.OrdinalIgnoreCase) => SdkResource.Traits,
            _ when rest.StartsWith("environment-document", StringComparison.OrdinalIgnoreCase) => SdkResource.EnvironmentDocument,
            _ when rest.StartsWith("analytics", StringComparison.OrdinalIgnoreCase) => SdkResource.Analytics,
            _ => SdkResource.Other,
        };
    }

    // A response that never got a status (the client went away mid-request) counts as a server-side failure.
    private static int StatusClassOf(int status) => status is >= 100 and < 600 ? status / 100 : 5;
}
