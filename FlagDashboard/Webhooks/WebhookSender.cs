using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using FlagDashboard.Core.Webhooks;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Webhooks;

/// <summary>
/// Sends the outbox's due deliveries in the background, each on its own, so a slow receiver holds up
/// neither a change nor the other receivers. A failed attempt is retried later by the outbox's backoff.
/// </summary>
internal sealed class WebhookSender(IServiceScopeFactory scopes, IOptions<WebhookOptions> options, ILogger<WebhookSender> logger) : BackgroundService
{
    private const int MaxInFlight = 32;
    private static readonly TimeSpan PruneEvery = TimeSpan.FromMinutes(10);
    private readonly ConcurrentDictionary<long, byte> _inFlight = new();
    private DateTimeOffset _lastPruned = DateTimeOffset.MinValue;
    private readonly HttpClient _client = CreateClient(options.Value);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.PollInterval);
        do
        {
            try
            {
                await StartDueAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                logger.LogWarning(exception, "Could not read due webhook deliveries; trying again.");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override void Dispose()
    {
        _client.Dispose();
        base.Dispose();
    }

    private async Task StartDueAsync(CancellationToken stoppingToken)
    {
        var room = MaxInFlight - _inFlight.Count;
        if (room <= 0)
        {
            return;
        }

        await using var scope = scopes.CreateAsyncScope();
        var webhooks = scope.ServiceProvider.GetRequiredService<WebhookService>();
        await PruneNowAndThenAsync(webhooks, stoppingToken);
        // The lease outlasts the attempt, so the delivery is not taken twice; a crash mid-send frees it when the lease ends.
        var due = await webhooks.ClaimDueDeliveriesAsync(room, options.Value.RequestTimeout * 2 + TimeSpan.FromSeconds(5), stoppingToken);
        foreach (var delivery in due)
        {
            _inFlight[delivery.Id] = 0;
            _ = Task.Run(() => SendAsync(delivery, stoppingToken), CancellationToken.None);
        }
    }

    private async Task PruneNowAndThenAsync(WebhookService webhooks, CancellationToken stoppingToken)
    {
        var now = DateTimeOffset.UtcNow;
        if (now - _lastPruned < PruneEvery)
        {
            return;
        }

        _lastPruned = now;
        var pruned = await webhooks.PruneDeliveriesAsync(now - options.Value.KeepDeliveriesFor, stoppingToken);
        if (pruned > 0)
        {
            logger.LogInformation("Deleted {Count} finished webhook deliveries older than {Age}.", pruned, options.Value.KeepDeliveriesFor);
        }
    }

    private async Task SendAsync(DueDelivery delivery, CancellationToken stoppingToken)
    {
        try
        {
            var (delivered, status, error) = await PostAsync(delivery, stoppingToken);
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<WebhookService>().RecordAttemptAsync(delivery.Id, delivered, status, error, stoppingToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning(exception, "Could not record webhook delivery {DeliveryId}.", delivery.Id);
        }
        catch (OperationCanceledException)
        {
            // Stopping: the delivery stays pending and is sent after the restart.
        }
        finally
        {
            _inFlight.TryRemove(delivery.Id, out _);
        }
    }

    private async Task<(bool Delivered, int? Status, string? Error)> PostAsync(DueDelivery delivery, CancellationToken stoppingToken)
    {
        var body = Encoding.UTF8.GetBytes(delivery.Payload);
        using var request = new HttpRequestMessage(HttpMethod.Post, delivery.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookEvents.SignatureHeader, WebhookEvents.Sign(delivery.Secret, body));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        timeout.CancelAfter(options.Value.RequestTimeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode ? (true, status, null) : (false, status, $"The receiver answered {status} {response.ReasonPhrase}.");
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            return (false, null, $"No answer within {options.Value.RequestTimeout.TotalSeconds:0.#} s.");
        }
        catch (HttpRequestException exception)
        {
            return (false, null, exception.InnerException is PrivateAddressException ? exception.InnerException.Message : exception.Message);
        }
    }

    /// <summary>
    /// Checks the address actually connected to, after DNS, so a public name that resolves to a private
    /// address is refused too (unless private addresses are allowed).
    /// </summary>
    private static HttpClient CreateClient(WebhookOptions options)
    {
        var handler = new SocketsHttpHandler
        {
            // A proxy from the environment would be the address checked, not the receiver's.
            UseProxy = false,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            ConnectTimeout = options.RequestTimeout,
            ConnectCallback = async (context, cancellationToken) =>
            {
                var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken);
                var allowed = addresses.Where(a => options.AllowPrivateAddresses || !WebhookAddresses.IsPrivate(a)).ToArray();
                if (allowed.Length == 0)
                {
                    throw new PrivateAddressException(context.DnsEndPoint.Host);
                }

                var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    private sealed class PrivateAddressException(string host)
        : Exception($"{host} is a private or loopback address; the server's Webhooks:AllowPrivateAddresses setting does not allow that.");
}
