using FlagDashboard.Core.Usage;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.Net.Http.Headers;

namespace FlagDashboard.Sdk;

/// <summary>
/// <c>GET /api/v1/flags/</c> (and <c>HEAD</c>), the call SDKs make most, answered ahead of routing and the rest of the
/// pipeline, from bytes serialised when the environment last changed: the only place this call is answered
/// (key check, ETag and 304, CORS headers and the browser's preflight, usage recording). Every other call
/// takes the ordinary path. Measured with scripts/bench-sdk.sh.
/// </summary>
internal sealed class FlagsFastLane(RequestDelegate next, IUsageRecorder usage, ICorsService cors, ICorsPolicyProvider corsPolicies, ILogger<FlagsFastLane> logger)
{
    private static readonly PathString FlagsPath = "/api/v1/flags/";

    public async Task InvokeAsync(HttpContext context)
    {
        var request = context.Request;
        if (!(request.Path.Equals(FlagsPath, StringComparison.OrdinalIgnoreCase) || request.Path.Equals("/api/v1/flags", StringComparison.OrdinalIgnoreCase)))
        {
            await next(context);
            return;
        }

        if (HttpMethods.IsOptions(request.Method) && request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod))
        {
            await AnswerPreflightAsync(context);
            return;
        }

        if (!(HttpMethods.IsGet(request.Method) || HttpMethods.IsHead(request.Method)))
        {
            await next(context);
            return;
        }

        var response = context.Response;
        if (request.Headers.ContainsKey(HeaderNames.Origin))
        {
            response.Headers.AccessControlAllowOrigin = "*";
            response.Headers.AccessControlExposeHeaders = SdkServiceCollectionExtensions.ExposedHeaders;
        }

        SdkCaller? caller = null;
        try
        {
            IResult? refusal;
            (caller, refusal) = await EnvironmentKeys.AuthenticateAsync(context);
            if (refusal is not null)
            {
                await refusal.ExecuteAsync(context);
            }
            else
            {
                await AnswerAsync(context, caller!);
            }
        }
        catch (Exception exception) when (!response.HasStarted && !context.RequestAborted.IsCancellationRequested)
        {
            logger.LogError(exception, "GET flags failed");
            await SdkErrors.ServerFailure().ExecuteAsync(context);
        }
        finally
        {
            // Counted also when the client went away mid-answer.
            var data = caller?.Environment.Data;
            usage.RecordApiCall(new ApiCall(data?.OrganisationId, data?.ProjectId, data?.EnvironmentId, SdkResource.Flags, response.StatusCode / 100));
        }
    }

    /// <summary>The browser SDK's preflight, judged by the SDK routes' CORS policy as the CORS middleware would.</summary>
    private async Task AnswerPreflightAsync(HttpContext context)
    {
        var policy = await corsPolicies.GetPolicyAsync(context, SdkApi.CorsPolicy)
            ?? throw new InvalidOperationException($"The CORS policy '{SdkApi.CorsPolicy}' is not registered.");
        cors.ApplyResult(cors.EvaluatePolicy(context, policy), context.Response);
        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    private static async Task AnswerAsync(HttpContext context, SdkCaller caller)
    {
        var response = context.Response;
        var environment = caller.Environment;
        response.Headers.ETag = environment.FlagsETag;
        response.Headers[SdkApi.UpdatedAtHeaderName] = environment.UpdatedAtHeader;
        if (SdkApi.MatchesETag(context.Request, environment.FlagsETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        response.ContentType = "application/json";
        response.ContentLength = environment.FlagsJson.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(environment.FlagsJson, context.RequestAborted);
        }
    }
}
