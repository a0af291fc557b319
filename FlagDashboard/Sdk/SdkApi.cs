using System.Text.Json;
using FlagDashboard.Core.Sdk;
using FlagDashboard.Core.Usage;
using Microsoft.Net.Http.Headers;

namespace FlagDashboard.Sdk;

/// <summary>
/// The Flagsmith v1 SDK protocol (../shared/spec/sdk-api.md), so the official SDKs work by changing their
/// base URL. Flat routes with trailing slashes, as Flagsmith's; errors as <c>{"detail": …}</c>.
/// </summary>
public static class SdkApi
{
    public const string CorsPolicy = "sdk";
    internal const string UpdatedAtHeaderName = "x-flagsmith-document-updated-at";

    // Far above what an SDK reports between two posts, far below what could overflow a sum of counts.
    private const long MaxEvaluationCount = 1_000_000_000;

    public static IEndpointRouteBuilder MapSdkApi(this IEndpointRouteBuilder endpoints)
    {
        var sdk = endpoints.MapGroup("/api/v1").AllowAnonymous().RequireCors(CorsPolicy);
        sdk.MapGet("/flags/", GetFlags).WithName("SdkGetFlags");
        sdk.MapGet("/identities/", (HttpContext http, SdkIdentityStore identities, string? identifier, string? transient) =>
            HandleAsync(http, false, caller => GetIdentity(http, caller, identities, identifier, transient))).WithName("SdkGetIdentity");
        sdk.MapPost("/identities/", (HttpContext http, SdkIdentityStore identities) =>
            HandleAsync(http, false, caller => PostIdentity(http, caller, identities))).WithName("SdkPostIdentity");
        sdk.MapPost("/traits/", (HttpContext http, SdkIdentityStore identities) =>
            HandleAsync(http, false, caller => PostTrait(http, caller, identities))).WithName("SdkPostTrait");
        sdk.MapPut("/traits/bulk/", (HttpContext http, SdkIdentityStore identities) =>
            HandleAsync(http, false, caller => PutTraits(http, caller, identities))).WithName("SdkPutTraits");
        sdk.MapGet("/environment-document/", (HttpContext http, SdkEnvironmentStore store) =>
            HandleAsync(http, true, caller => GetEnvironmentDocument(http, caller, store))).WithName("SdkGetEnvironmentDocument");
        sdk.MapPost("/analytics/flags/", (HttpContext http, IUsageRecorder usage) =>
            HandleAsync(http, false, caller => PostAnalytics(http, caller, usage))).WithName("SdkPostAnalytics");
        return endpoints;
    }

    /// <summary>An unknown SDK path is a 404 in the SDKs' shape, not the dashboard's HTML page or a sign-in redirect.</summary>
    public static IEndpointRouteBuilder MapSdkFallback(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapFallback("/api/v1/{**path}", () => SdkErrors.Detail(StatusCodes.Status404NotFound, "No such SDK call. The SDK API is under /api/v1/: flags/, identities/, traits/, traits/bulk/, environment-document/, analytics/flags/."))
            .AllowAnonymous()
            .WithName("SdkNotFound");
        return endpoints;
    }

    // GET flags/ is answered by FlagsFastLane ahead of routing; this endpoint carries the route's CORS
    // policy for preflights, and answers should the fast lane ever be left out of the pipeline.
    private static async ValueTask<IResult> GetFlags(HttpContext http)
    {
        var (caller, refusal) = await EnvironmentKeys.AuthenticateAsync(http);
        return refusal ?? Cached(http, caller!.Environment, caller.Environment.FlagsJson, caller.Environment.FlagsETag);
    }

    /// <summary>Authenticates the key, runs the call, and turns a body of the wrong shape into 400 <c>{"detail": …}</c>.</summary>
    private static async Task<IResult> HandleAsync(HttpContext http, bool serverSideOnly, Func<SdkCaller, Task<IResult>> call)
    {
        var (caller, refusal) = await EnvironmentKeys.AuthenticateAsync(http, serverSideOnly);
        if (refusal is not null)
        {
            return refusal;
        }

        try
        {
            return await call(caller!);
        }
        catch (SdkRequestException exception)
        {
            return SdkErrors.Detail(exception.StatusCode, exception.Message);
        }
        catch (BadHttpRequestException exception)
        {
            return SdkErrors.Detail(exception.StatusCode, exception.Message);
        }
    }

    private static async Task<IResult> GetIdentity(HttpContext http, SdkCaller caller, SdkIdentityStore identities, string? identifier, string? transient)
    {
        var valid = SdkRequestReader.ValidIdentifier(identifier, "identifier");
        var isTransient = string.Equals(transient, "true", StringComparison.OrdinalIgnoreCase);
        var identity = await identities.IdentifyAsync(caller.Environment.Id, valid, [], isTransient, http.RequestAborted);
        return IdentityAnswer(http, caller, identity);
    }

    private static async Task<IResult> PostIdentity(HttpContext http, SdkCaller caller, SdkIdentityStore identities)
    {
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        var root = SdkRequestReader.RequireObject(body.RootElement, "body");
        var identifier = SdkRequestReader.Identifier(root, "");
        var traits = SdkRequestReader.Traits(root, "");
        var transient = SdkRequestReader.OptionalBool(root, "transient", "");
        var identity = await identities.IdentifyAsync(caller.Environment.Id, identifier, traits, transient, http.RequestAborted);
        return IdentityAnswer(http, caller, identity);
    }

    private static async Task<IResult> PostTrait(HttpContext http, SdkCaller caller, SdkIdentityStore identities)
    {
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        var trait = ReadIdentityTrait(body.RootElement, "");
        var stored = await identities.SetTraitsAsync(caller.Environment.Id, [trait], http.RequestAborted);
        return TraitsAnswer(stored[0], trait.Identifier);
    }

    private static async Task<IResult> PutTraits(HttpContext http, SdkCaller caller, SdkIdentityStore identities)
    {
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        if (body.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new SdkRequestException("body: expected an array of traits.");
        }

        if (body.RootElement.GetArrayLength() > SdkRequestReader.MaxTraits)
        {
            throw new SdkRequestException($"body: at most {SdkRequestReader.MaxTraits} traits in one request.");
        }

        var traits = body.RootElement.EnumerateArray().Select((element, i) => ReadIdentityTrait(element, $"[{i}].")).ToList();
        var stored = await identities.SetTraitsAsync(caller.Environment.Id, traits, http.RequestAborted);
        var answer = SdkEnvironment.Serialize(writer =>
        {
            writer.WriteStartArray();
            for (var i = 0; i < stored.Count; i++)
            {
                WriteTrait(writer, stored[i], traits[i].Identifier);
            }

            writer.WriteEndArray();
        });
        return TypedResults.Bytes(answer, "application/json");
    }

    private static async Task<IResult> GetEnvironmentDocument(HttpContext http, SdkCaller caller, SdkEnvironmentStore store)
    {
        var environment = caller.Environment;
        var document = await store.GetDocumentAsync(environment);
        return document is null
            ? SdkErrors.Forbidden("Invalid environment key.")
            : Cached(http, environment, document.Json, document.ETag);
    }

    private static async Task<IResult> PostAnalytics(HttpContext http, SdkCaller caller, IUsageRecorder usage)
    {
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        var root = SdkRequestReader.RequireObject(body.RootElement, "body");
        var environment = caller.Environment;
        var counts = new List<(string Feature, long Count)>();
        foreach (var property in root.EnumerateObject())
        {
            var name = SdkRequestReader.NameOf(property);
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var count) || count is < 0 or > MaxEvaluationCount)
            {
                throw new SdkRequestException($"{name}: expected an evaluation count (a whole number from 0 to {MaxEvaluationCount}).");
            }

            counts.Add((name, count));
        }

        // Counted only once the whole body is valid, and only for features of this environment:
        // made-up names would grow the series without bound.
        foreach (var (feature, count) in counts)
        {
            if (environment.TryGetFeature(feature, out var known))
            {
                usage.RecordEvaluations(environment.Data.OrganisationId, environment.Data.ProjectId, environment.Id, known.Id, count);
            }
        }

        return TypedResults.Ok();
    }

    private static (string Identifier, TraitInput Trait) ReadIdentityTrait(JsonElement element, string path)
    {
        SdkRequestReader.RequireObject(element, path.Length == 0 ? "body" : path.TrimEnd('.'));
        if (!element.TryGetProperty("identity", out var identity))
        {
            throw new SdkRequestException($"{path}identity: required.");
        }

        var identifier = SdkRequestReader.Identifier(SdkRequestReader.RequireObject(identity, $"{path}identity"), $"{path}identity.");
        return (identifier, SdkRequestReader.Trait(element, path) with { Transient = false });
    }

    private static IResult IdentityAnswer(HttpContext http, SdkCaller caller, SdkIdentity identity)
    {
        http.Response.Headers[UpdatedAtHeaderName] = caller.Environment.UpdatedAtHeader;
        return new IdentityAnswerResult(caller.Environment, identity);
    }

    /// <summary>The identity answer, evaluated and written straight into the response's buffers (no copy of the JSON).</summary>
    private sealed class IdentityAnswerResult(SdkEnvironment environment, SdkIdentity identity) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var response = httpContext.Response;
            response.StatusCode = StatusCodes.Status200OK;
            response.ContentType = "application/json";
            environment.WriteIdentityAnswer(response.BodyWriter, identity);
            return response.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
        }
    }

    private static IResult TraitsAnswer(SdkTrait trait, string identifier) =>
        TypedResults.Bytes(SdkEnvironment.Serialize(writer => WriteTrait(writer, trait, identifier)), "application/json");

    private static void WriteTrait(Utf8JsonWriter writer, SdkTrait trait, string identifier)
    {
        writer.WriteStartObject();
        writer.WriteString("trait_key", trait.Key);
        writer.WritePropertyName("trait_value");
        trait.Value.WriteTo(writer);
        writer.WriteStartObject("identity");
        writer.WriteString("identifier", identifier);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    private static IResult Cached(HttpContext http, SdkEnvironment environment, byte[] body, string etag)
    {
        var headers = http.Response.Headers;
        headers.ETag = etag;
        headers[UpdatedAtHeaderName] = environment.UpdatedAtHeader;
        return MatchesETag(http.Request, etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : TypedResults.Bytes(body, "application/json");
    }

    internal static bool MatchesETag(HttpRequest request, string etag)
    {
        var ifNoneMatch = request.Headers.IfNoneMatch;
        return ifNoneMatch.Count > 0 && EntityTagHeaderValue.TryParseList(ifNoneMatch, out var tags)
            && tags.Any(t => t.Tag == etag || t.Tag == "*");
    }
}
