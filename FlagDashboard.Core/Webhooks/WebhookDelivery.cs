namespace FlagDashboard.Core.Webhooks;

public enum WebhookDeliveryStatus
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// One event for one webhook: written in the transaction of the change it reports (an outbox), so it is
/// sent even if the app stops before sending it, and retried with backoff until it is delivered or given up.
/// </summary>
public sealed class WebhookDelivery
{
    public long Id { get; set; }

    public int WebhookId { get; set; }

    public Webhook? Webhook { get; set; }

    public required string EventType { get; set; }

    /// <summary>The exact body sent, and signed.</summary>
    public required string Payload { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public WebhookDeliveryStatus Status { get; set; }

    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? LastAttemptAt { get; set; }

    public int? LastStatusCode { get; set; }

    public string? LastError { get; set; }
}
