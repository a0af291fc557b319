using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Sdk;

/// <summary>The environment an SDK request was authenticated for, set by <see cref="EnvironmentKeyFilter"/>.</summary>
internal sealed record SdkCaller(SdkEnvironment Environment, bool IsServerSide);

internal static class EnvironmentKeyFilter
{
    public const string HeaderName = "X-Environment-Key";
    private const int MaxKeyLength = 200;

    /// <summary>
    /// Lets a request through only with a known environment key in <c>X-Environment-Key</c>; with
    /// <paramref name="serverSideOnly"/>, only a server-side key. Otherwise 403, as Flagsmith answers.
    /// </summary>
    public static TBuilder RequireEnvironmentKey<TBuilder>(this TBuilder builder, bool serverSideOnly = false)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var key = http.Request.Headers[HeaderName].ToString();
            if (string.IsNullOrEmpty(key) || key.Length > MaxKeyLength)
            {
                return SdkErrors.Forbidden("Missing or invalid environment key: send it in the X-Environment-Key header.");
            }

            var store = http.RequestServices.GetRequiredService<SdkEnvironmentStore>();
            var found = await store.FindByKeyAsync(key, http.RequestAborted);
            if (found is not { } caller)
            {
                return SdkErrors.Forbidden("Invalid environment key.");
            }

            http.Items[typeof(SdkCaller)] = new SdkCaller(caller.Environment, caller.IsServerSide);
            if (serverSideOnly && !caller.IsServerSide)
            {
                return SdkErrors.Forbidden("This call needs a server-side environment key (one that starts with ser.).");
            }

            return await next(context);
        });

    public static SdkCaller Caller(this HttpContext context) => (SdkCaller)context.Items[typeof(SdkCaller)]!;

    public static SdkCaller? CallerOrNull(this HttpContext context) => context.Items.TryGetValue(typeof(SdkCaller), out var caller) ? caller as SdkCaller : null;
}
