using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Sdk;

/// <summary>The environment an SDK request was authenticated for.</summary>
internal sealed record SdkCaller(SdkEnvironment Environment, bool IsServerSide);

/// <summary>Marks an SDK route that needs a server-side key (one that starts with <c>ser.</c>).</summary>
internal sealed class ServerSideKeyRequired
{
    public static readonly ServerSideKeyRequired Instance = new();
}

/// <summary>
/// Checks the <c>X-Environment-Key</c> of an SDK request: a known key, and a server-side one where the route
/// needs it; otherwise 403 with a detail, as Flagsmith answers. The SDK routes get it as an endpoint filter
/// (<see cref="RequireEnvironmentKey{TBuilder}"/>); <c>GET flags/</c>, answered ahead of routing by
/// <see cref="FlagsFastLane"/>, and the realtime stream, whose key is in its path, call it directly.
/// </summary>
internal static class EnvironmentKeys
{
    public const string HeaderName = "X-Environment-Key";
    private const int MaxKeyLength = 200;

    public static TBuilder RequireEnvironmentKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var serverSideOnly = http.GetEndpoint()?.Metadata.GetMetadata<ServerSideKeyRequired>() is not null;
            var (_, refusal) = await AuthenticateAsync(http, http.Request.Headers[HeaderName].ToString(), serverSideOnly);
            return refusal ?? await next(context);
        });

    public static TBuilder RequireServerSideKey<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(ServerSideKeyRequired.Instance);

    public static ValueTask<(SdkCaller? Caller, IResult? Refusal)> AuthenticateAsync(HttpContext http) =>
        AuthenticateAsync(http, http.Request.Headers[HeaderName].ToString(), serverSideOnly: false);

    public static async ValueTask<(SdkCaller? Caller, IResult? Refusal)> AuthenticateAsync(HttpContext http, string key, bool serverSideOnly)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
        {
            return (null, SdkErrors.Forbidden("Missing or invalid environment key: send it in the X-Environment-Key header."));
        }

        var store = http.RequestServices.GetRequiredService<SdkEnvironmentStore>();
        if (await store.FindByKeyAsync(key, http.RequestAborted) is not { } found)
        {
            return (null, SdkErrors.Forbidden("Invalid environment key."));
        }

        var caller = new SdkCaller(found.Environment, found.IsServerSide);
        http.Items[typeof(SdkCaller)] = caller;
        return serverSideOnly && !caller.IsServerSide
            ? (null, SdkErrors.Forbidden("This call needs a server-side environment key (one that starts with ser.)."))
            : (caller, null);
    }

    public static SdkCaller? CallerOrNull(this HttpContext context) =>
        context.Items.TryGetValue(typeof(SdkCaller), out var caller) ? caller as SdkCaller : null;

    /// <summary>The caller <see cref="RequireEnvironmentKey{TBuilder}"/> authenticated for this request.</summary>
    public static SdkCaller Caller(this HttpContext context) =>
        context.CallerOrNull() ?? throw new InvalidOperationException("An SDK handler ran without RequireEnvironmentKey().");
}
