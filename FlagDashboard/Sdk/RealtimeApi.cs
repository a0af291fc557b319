using System.Collections.Concurrent;
using System.Globalization;
using System.Threading.Channels;
using FlagDashboard.Core.Sdk;

namespace FlagDashboard.Sdk;

/// <summary>
/// Real-time flag updates for the browser SDK (<c>realtime: true</c>): a server-sent event stream per
/// environment that says <c>environment_updated</c> within a second of any change.
/// </summary>
public static class RealtimeApi
{
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static IEndpointRouteBuilder MapRealtimeApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/sse/environments/{key}/stream", StreamAsync)
            .AllowAnonymous()
            .RequireCors(SdkApi.CorsPolicy)
            .WithName("SdkRealtimeStream");
        return endpoints;
    }

    private static async Task StreamAsync(string key, HttpContext http, RealtimeHub hub, IHostApplicationLifetime lifetime)
    {
        var (caller, refusal) = await EnvironmentKeys.AuthenticateAsync(http, key, serverSideOnly: false);
        if (refusal is not null)
        {
            await refusal.ExecuteAsync(http);
            return;
        }

        http.Response.Headers.ContentType = "text/event-stream";
        http.Response.Headers.CacheControl = "no-cache";
        http.Response.Headers["X-Accel-Buffering"] = "no";
        var updates = hub.Subscribe(caller!.Environment.Id);
        // Ends with the client or with the app, so open streams never hold up a shutdown.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        try
        {
            await http.Response.WriteAsync(": connected\n\n", ended.Token);
            await http.Response.Body.FlushAsync(ended.Token);
            while (!ended.IsCancellationRequested)
            {
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(ended.Token);
                wait.CancelAfter(KeepAliveInterval);
                string message;
                try
                {
                    var updatedAt = await updates.Reader.ReadAsync(wait.Token);
                    message = $"event: environment_updated\ndata: {{\"updated_at\": {updatedAt.ToString(CultureInfo.InvariantCulture)}}}\n\n";
                }
                catch (OperationCanceledException) when (!ended.IsCancellationRequested)
                {
                    // A comment line keeps proxies from closing a quiet stream.
                    message = ": keep-alive\n\n";
                }

                await http.Response.WriteAsync(message, ended.Token);
                await http.Response.Body.FlushAsync(ended.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, or the app is stopping.
        }
        finally
        {
            hub.Unsubscribe(caller.Environment.Id, updates);
        }
    }
}

/// <summary>Fans an environment's changes out to its open real-time streams.</summary>
public sealed class RealtimeHub
{
    private readonly ConcurrentDictionary<int, ConcurrentDictionary<Channel<double>, byte>> _subscribers = new();

    public RealtimeHub(SdkEnvironmentStore store) => store.EnvironmentChanged += Publish;

    internal Channel<double> Subscribe(int environmentId)
    {
        // Only the newest change matters to a client: it fetches the flags again, whatever changed.
        var channel = Channel.CreateBounded<double>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        _subscribers.GetOrAdd(environmentId, _ => new()).TryAdd(channel, 0);
        return channel;
    }

    internal void Unsubscribe(int environmentId, Channel<double> channel)
    {
        if (_subscribers.TryGetValue(environmentId, out var channels))
        {
            channels.TryRemove(channel, out _);
        }
    }

    private void Publish(SdkEnvironment environment)
    {
        if (_subscribers.TryGetValue(environment.Id, out var channels))
        {
            foreach (var channel in channels.Keys)
            {
                channel.Writer.TryWrite(environment.UpdatedAtSeconds);
            }
        }
    }
}
