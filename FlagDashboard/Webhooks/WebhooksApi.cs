using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Webhooks;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.Webhooks;

/// <summary>An environment's webhooks and their latest deliveries.</summary>
public static class WebhooksApi
{
    /// <summary><see cref="Secret"/> is shown in the answer that creates the webhook or sets a new secret, and never again.</summary>
    public sealed record WebhookResponse(int Id, int? EnvironmentId, int? OrganisationId, string Url, bool Enabled, DateTimeOffset CreatedAt, int Version, string? Secret = null);

    /// <param name="Secret">The HMAC key for <c>X-Flagsmith-Signature</c>; left out, a random one is made (on create) or the current one kept (on update).</param>
    public sealed record WebhookRequest([Required(AllowEmptyStrings = true)] string Url, bool Enabled = true, string? Secret = null, int? Version = null);

    public static RouteGroupBuilder MapWebhooksApi(this RouteGroupBuilder admin)
    {
        var webhooks = admin.MapGroup("/").WithTags("Webhooks");
        webhooks.MapGet("/environments/{environmentId}/webhooks", ListWebhooks).WithName("ListWebhooks").WithSummary("An environment's webhooks.");
        webhooks.MapPost("/environments/{environmentId}/webhooks", CreateWebhook).WithName("CreateWebhook")
            .WithSummary("Adds a URL that gets a signed JSON POST (X-Flagsmith-Signature: hex HMAC-SHA256 of the body) for every change to a flag or override in the environment.");
        webhooks.MapGet("/organisation/webhooks", ListOrganisationWebhooks).WithName("ListOrganisationWebhooks").WithSummary("The key's organisation's own webhooks (usage alerts).");
        webhooks.MapPost("/organisation/webhooks", CreateOrganisationWebhook).WithName("CreateOrganisationWebhook")
            .WithSummary("Adds a URL that gets the organisation's own events (USAGE_THRESHOLD_REACHED), signed like every webhook; change or delete it at /webhooks/{webhookId}.");
        webhooks.MapGet("/webhooks/{webhookId}", GetWebhook).WithName("GetWebhook").WithSummary("One webhook.");
        webhooks.MapPut("/webhooks/{webhookId}", UpdateWebhook).WithName("UpdateWebhook").WithSummary("Changes a webhook's URL, switch or secret; give the version you read.");
        webhooks.MapDelete("/webhooks/{webhookId}", DeleteWebhook).WithName("DeleteWebhook").WithSummary("Deletes a webhook and its pending deliveries.");
        webhooks.MapGet("/environments/{environmentId}/webhook-deliveries", ListDeliveries).WithName("ListWebhookDeliveries").WithSummary("The latest deliveries of the environment's webhooks (or of ?webhookId=), newest first, with their status.");
        return admin;
    }

    private static async Task<Ok<IReadOnlyList<WebhookResponse>>> ListWebhooks(int environmentId, WebhookService webhooks, CancellationToken cancellationToken)
    {
        return TypedResults.Ok<IReadOnlyList<WebhookResponse>>((await webhooks.ListAsync(environmentId, cancellationToken)).Select(w => Response(w)).ToList());
    }

    private static async Task<Created<WebhookResponse>> CreateWebhook(int environmentId, WebhookRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var webhook = await webhooks.CreateAsync(environmentId, new WebhookInput(request.Url, request.Enabled, request.Secret), cancellationToken);
        return TypedResults.Created($"/api/admin/webhooks/{webhook.Id}", Response(webhook, withSecret: true));
    }

    private static async Task<Ok<IReadOnlyList<WebhookResponse>>> ListOrganisationWebhooks(ClaimsPrincipal user, WebhookService webhooks, CancellationToken cancellationToken)
    {
        return TypedResults.Ok<IReadOnlyList<WebhookResponse>>((await webhooks.ListForOrganisationAsync(user.KeyOrganisationId(), cancellationToken)).Select(w => Response(w)).ToList());
    }

    private static async Task<Created<WebhookResponse>> CreateOrganisationWebhook(WebhookRequest request, ClaimsPrincipal user, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var webhook = await webhooks.CreateForOrganisationAsync(user.KeyOrganisationId(), new WebhookInput(request.Url, request.Enabled, request.Secret), cancellationToken);
        return TypedResults.Created($"/api/admin/webhooks/{webhook.Id}", Response(webhook, withSecret: true));
    }

    private static async Task<Ok<WebhookResponse>> GetWebhook(int webhookId, WebhookService webhooks, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await webhooks.GetAsync(webhookId, cancellationToken)));
    }

    private static async Task<Ok<WebhookResponse>> UpdateWebhook(int webhookId, WebhookRequest request, WebhookService webhooks, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        var webhook = await webhooks.UpdateAsync(webhookId, new WebhookInput(request.Url, request.Enabled, request.Secret), version, cancellationToken);
        return TypedResults.Ok(Response(webhook, withSecret: !string.IsNullOrEmpty(request.Secret)));
    }

    private static async Task<NoContent> DeleteWebhook(int webhookId, WebhookService webhooks, CancellationToken cancellationToken)
    {
        await webhooks.DeleteAsync(webhookId, cancellationToken);
        return TypedResults.NoContent();
    }

    private static async Task<Ok<Paged<WebhookDeliveryView>>> ListDeliveries(int environmentId, int? webhookId, [AsParameters] PageRequest page, WebhookService webhooks, CancellationToken cancellationToken)
    {
        page = page.Validated();
        var found = await webhooks.ListDeliveriesAsync(environmentId, webhookId, page.Skip, page.Size, cancellationToken);
        return TypedResults.Ok(page.Of(found.Items, found.TotalCount));
    }

    private static WebhookResponse Response(Webhook w, bool withSecret = false) =>
        new(w.Id, w.EnvironmentId, w.OrganisationId, w.Url, w.Enabled, w.CreatedAt, w.Version, withSecret ? w.Secret : null);
}
