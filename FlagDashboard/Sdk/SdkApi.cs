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
        // GET flags/ is not here: FlagsFastLane answers it (and its preflight) ahead of routing.
        var sdk = endpoints.MapGroup("/api/v1").AllowAnonymous().RequireCors(CorsPolicy).RequireEnvironmentKey();
        sdk.MapGet("/identities/", GetIdentity).WithName("SdkGetIdentity");
        sdk.MapPost("/identities/", PostIdentity).WithName("SdkPostIdentity");
        sdk.MapPost("/traits/", PostTrait).WithName("SdkPostTrait");
        sdk.MapPut("/traits/bulk/", PutTraits).WithName("SdkPutTraits");
        sdk.MapGet("/environment-document/", GetEnvironmentDocument).RequireServerSideKey().WithName("SdkGetEnvironmentDocument");
        sdk.MapPost("/analytics/flags/", PostAnalytics).WithName("SdkPostAnalytics");
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

    private static async Task<IResult> GetIdentity(HttpContext http, SdkIdentityStore identities, string? identifier, string? transient)
    {
        var caller = http.Caller();
        var valid = SdkRequestReader.ValidIdentifier(identifier, "identifier");
        var isTransient = string.Equals(transient, "true", StringComparison.OrdinalIgnoreCase);
        var identity = await identities.IdentifyAsync(caller.Environment.Id, valid, [], isTransient, http.RequestAborted);
        return IdentityAnswer(http, caller, identity);
    }

    private static async Task<IResult> PostIdentity(HttpContext http, SdkIdentityStore identities)
    {
        var caller = http.Caller();
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        var root = SdkRequestReader.RequireObject(body.RootElement, "body");
        var identifier = SdkRequestReader.Identifier(root, "");
        var traits = SdkRequestReader.Traits(root, "");
        var transient = SdkRequestReader.OptionalBool(root, "transient", "");
        var identity = await identities.IdentifyAsync(caller.Environment.Id, identifier, traits, transient, http.RequestAborted);
        return IdentityAnswer(http, caller, identity);
    }

    private static async Task<IResult> PostTrait(HttpContext http, SdkIdentityStore identities)
    {
        var caller = http.Caller();
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        var trait = ReadIdentityTrait(body.RootElement, "");
        var stored = await identities.SetTraitsAsync(caller.Environment.Id, [trait], http.RequestAborted);
        return TraitsAnswer(stored[0], trait.Identifier);
    }

    private static async Task<IResult> PutTraits(HttpContext http, SdkIdentityStore identities)
    {
        var caller = http.Caller();
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

    private static async Task<IResult> GetEnvironmentDocument(HttpContext http, SdkEnvironmentStore store)
    {
        var environment = http.Caller().Environment;
        var document = await store.GetDocumentAsync(environment);
        return document is null
            ? SdkErrors.Forbidden("Invalid environment key.")
            : Cached(http, environment, document.Json, document.ETag);
    }

    private static async Task<IResult> PostAnalytics(HttpContext http, IUsageRecorder usage)
    {
        using var body = await SdkRequestReader.ReadJsonAsync(http.Request, http.RequestAborted);
        var root = SdkRequestReader.RequireObject(body.RootElement, "body");
        var environment = http.Caller().Environment;
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
