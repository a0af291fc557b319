using System.Collections.Concurrent;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Tests.Webhooks;

/// <param name="ArrivedAt">A <see cref="System.Diagnostics.Stopwatch"/> timestamp, to order events, never to bound them.</param>
public sealed record ReceivedWebhook(string Body, byte[] RawBody, string? Signature, string? ContentType, long ArrivedAt);

/// <summary>A webhook receiver on a loopback port that records what it gets; it can fail the first requests or never answer.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<ReceivedWebhook> _received = new();
    private readonly ConcurrentQueue<long> _abandoned = new();
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, int failFirst, bool hang)
    {
        _app = app;
        _failuresLeft = failFirst;
        app.MapPost("/hook", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var raw = buffer.ToArray();
            _received.Enqueue(new ReceivedWebhook(System.Text.Encoding.UTF8.GetString(raw), raw, context.Request.Headers["X-Flagsmith-Signature"].FirstOrDefault(), context.Request.ContentType, System.Diagnostics.Stopwatch.GetTimestamp()));
            if (hang)
            {
                try
                {
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                }
                catch (OperationCanceledException)
                {
                    _abandoned.Enqueue(System.Diagnostics.Stopwatch.GetTimestamp());
                    throw;
                }
            }

            return Interlocked.Decrement(ref _failuresLeft) >= 0 ? Results.StatusCode(503) : Results.Ok();
        });
    }

    public Uri Url { get; private set; } = null!;

    public IReadOnlyList<ReceivedWebhook> Received => [.. _received];

    /// <summary>When the sender gave up on a hanging request (Stopwatch timestamps).</summary>
    public IReadOnlyList<long> Abandoned => [.. _abandoned];

    public static async Task<WebhookReceiver> StartAsync(int failFirst = 0, bool hang = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build(), failFirst, hang);
        await receiver._app.StartAsync(TestContext.Current.CancellationToken);
        receiver.Url = new Uri(new Uri(receiver._app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single()), "hook");
        return receiver;
    }

    /// <summary>Waits until at least <paramref name="count"/> requests have arrived.</summary>
    public async Task<IReadOnlyList<ReceivedWebhook>> WaitForAsync(int count)
    {
        await Eventually.GetAsync(() => Task.FromResult(_received.Count), received => received >= count, $"{count} webhook requests");
        return Received;
    }

    /// <summary>Waits until the sender has given up on at least <paramref name="count"/> hanging requests.</summary>
    public async Task<IReadOnlyList<long>> WaitForAbandonedAsync(int count)
    {
        await Eventually.GetAsync(() => Task.FromResult(_abandoned.Count), abandoned => abandoned >= count, $"{count} hanging requests to be given up");
        return Abandoned;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
