using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Sdk;

/// <summary>The environment an SDK request was authenticated for.</summary>
internal sealed record SdkCaller(SdkEnvironment Environment, bool IsServerSide);

/// <summary>
/// Checks the <c>X-Environment-Key</c> of an SDK request: a known key, and a server-side one where the call
/// needs it; otherwise 403 with a detail, as Flagsmith answers. Called at the top of each SDK handler
/// (rather than as an endpoint filter) to keep the hot path free of the filter pipeline.
/// </summary>
internal static class EnvironmentKeys
{
    public const string HeaderName = "X-Environment-Key";
    private const int MaxKeyLength = 200;

    public static async ValueTask<(SdkCaller? Caller, IResult? Refusal)> AuthenticateAsync(HttpContext http, bool serverSideOnly = false)
    {
        var key = http.Request.Headers[HeaderName].ToString();
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
}
