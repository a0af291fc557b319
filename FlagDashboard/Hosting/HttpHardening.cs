using System.Net;
using System.Security.Cryptography;
using System.Threading.RateLimiting;
using FlagDashboard.Accounts;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Hosting;

/// <summary>The reverse proxy in front of the app (deploy/nginx.conf): whose X-Forwarded-For and -Proto to believe.</summary>
public sealed class ProxyOptions
{
    public const string SectionName = "Proxy";

    /// <summary>Networks (CIDR, such as <c>172.16.0.0/12</c>) the proxy connects from; empty reads no forwarded headers.</summary>
    public string[] TrustedNetworks { get; set; } = [];
}

/// <summary>Sign-in and set-up attempts a client address may make in a minute, whatever accounts it tries.</summary>
public sealed class SignInThrottleOptions
{
    public const string SectionName = "SignInThrottle";

    [System.ComponentModel.DataAnnotations.Range(1, 10_000)]
    public int AttemptsPerMinute { get; set; } = 10;
}

/// <summary>Forwarded headers, security headers with a script policy, and the sign-in throttle.</summary>
internal static class HttpHardening
{
    private const string NonceKey = "csp-nonce";

    public static IServiceCollection AddHttpHardening(this IServiceCollection services)
    {
        services.AddOptions<ProxyOptions>().BindConfiguration(ProxyOptions.SectionName);
        services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<ProxyOptions>>((options, proxy) =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
            foreach (var network in proxy.Value.TrustedNetworks)
            {
                options.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network.Trim()));
            }
        });
        services.AddHsts(options => options.MaxAge = TimeSpan.FromDays(365));

        services.AddOptions<SignInThrottleOptions>().BindConfiguration(SignInThrottleOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<SignInThrottleOptions>>((options, throttle) =>
        {
            var permits = throttle.Value.AttemptsPerMinute;
            options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
                IsSignInAttempt(context.Request)
                    ? RateLimitPartition.GetFixedWindowLimiter(
                        context.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                        _ => new FixedWindowRateLimiterOptions { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 })
                    : RateLimitPartition.GetNoLimiter(""));
            options.OnRejected = async (context, cancellationToken) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                await context.HttpContext.Response.WriteAsync("Too many sign-in attempts from this address: wait a minute and try again.", cancellationToken);
            };
        });
        return services;
    }

    /// <summary>Before everything else: the client's address and scheme as the proxy saw them.</summary>
    public static IApplicationBuilder UseForwardedHeadersFromProxy(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<ProxyOptions>>().Value.TrustedNetworks.Length > 0)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>Headers on every dashboard answer; HSTS only on HTTPS (as the proxy reports it), never for localhost.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app)
    {
        app.Use((context, next) =>
        {
            // Hex, not base64: the page writes the nonce HTML-encoded, and a '+' would come out as "&#x2B;".
            var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            context.Items[NonceKey] = nonce;
            context.Response.OnStarting(() =>
            {
                var headers = context.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers["Referrer-Policy"] = "same-origin";
                headers.XFrameOptions = "DENY";
                // Scripts only from this app, and the one inline import map the page writes with its nonce.
                headers.ContentSecurityPolicy =
                    $"script-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'";
                return Task.CompletedTask;
            });
            return next(context);
        });
        app.UseHsts();
        return app;
    }

    /// <summary>The nonce that lets this response's inline import map run under the script policy.</summary>
    public static string? ScriptNonce(HttpContext? context) => context?.Items[NonceKey] as string;

    private static bool IsSignInAttempt(HttpRequest request) =>
        HttpMethods.IsPost(request.Method)
        && (request.Path.StartsWithSegments("/account/login") || request.Path.StartsWithSegments(SetupRedirectMiddleware.SetupPath)
            || request.Path.StartsWithSegments("/invitations"));
}
