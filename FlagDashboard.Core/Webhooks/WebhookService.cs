using FlagDashboard.Core.Access;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Webhooks;

/// <param name="Secret">Null keeps the current secret (or makes a new one for a new webhook).</param>
public sealed record WebhookInput(string Url, bool Enabled = true, string? Secret = null);

public sealed record WebhookDeliveryView(
    long Id,
    int WebhookId,
    string Url,
    string EventType,
    WebhookDeliveryStatus Status,
    int Attempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? LastAttemptAt,
    DateTimeOffset NextAttemptAt,
    int? LastStatusCode,
    string? LastError);

public sealed record WebhookDeliveryPage(IReadOnlyList<WebhookDeliveryView> Items, int TotalCount);

/// <summary>A delivery the sender is about to attempt.</summary>
public sealed record DueDelivery(long Id, string Url, string Secret, string Payload, int Attempts);

public sealed class WebhookService(IDbContextFactory<FlagDashboardDbContext> dbFactory, IActorAccessor actors, AccessControl access, TimeProvider clock, IOptions<WebhookOptions> options)
{
    private const string Entity = "Webhook";
    public const int MaxUrlLength = 2000;
    public const int MaxSecretLength = 200;
    private const int MaxErrorLength = 1000;

    public async Task<IReadOnlyList<Webhook>> ListAsync(int environmentId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Webhooks.AsNoTracking().Where(w => w.EnvironmentId == environmentId).OrderBy(w => w.Id).ToListAsync(cancellationToken);
    }

    public async Task<Webhook> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Webhook, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.Id == id, cancellationToken) ?? throw new NotFoundException(Entity, id);
    }

    public async Task<Webhook> CreateAsync(int environmentId, WebhookInput input, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Environment, environmentId, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var environment = await db.Environments.AsNoTracking().Include(e => e.Project).SingleOrDefaultAsync(e => e.Id == environmentId, cancellationToken)
            ?? throw new NotFoundException("Environment", environmentId);
        return await AddAsync(db, (environmentId, null), input, new AuditScope(environment.Project!.OrganisationId, environment.ProjectId, environmentId), cancellationToken);
    }

    /// <summary>The organisation's own webhooks (usage alerts), not those of its environments.</summary>
    public async Task<IReadOnlyList<Webhook>> ListForOrganisationAsync(int organisationId, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Webhooks.AsNoTracking().Where(w => w.OrganisationId == organisationId).OrderBy(w => w.Id).ToListAsync(cancellationToken);
    }

    /// <summary>Adds an organisation-level webhook: it gets the organisation's events (<see cref="WebhookEventKind.UsageThresholdReached"/>).</summary>
    public async Task<Webhook> CreateForOrganisationAsync(int organisationId, WebhookInput input, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageOrganisation, OwnedResource.Organisation, organisationId, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await AddAsync(db, (null, organisationId), input, new AuditScope(organisationId), cancellationToken);
    }

    /// <summary>Adds a webhook of an environment or of an organisation, with its audit entry; a URL its owner already has is a conflict.</summary>
    private async Task<Webhook> AddAsync(FlagDashboardDbContext db, (int? EnvironmentId, int? OrganisationId) owner, WebhookInput input, AuditScope scope, CancellationToken cancellationToken)
    {
        var webhook = new Webhook
        {
            EnvironmentId = owner.EnvironmentId,
            OrganisationId = owner.OrganisationId,
            Url = input.Url.Trim(),
            Secret = string.IsNullOrEmpty(input.Secret) ? WebhookEvents.NewSecret() : input.Secret,
            Enabled = input.Enabled,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Webhooks.Add(webhook);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.SaveOrConflictAsync(Entity, webhook.Url, cancellationToken, uniqueField: "url");
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Created, Entity, webhook.Id, webhook.Url, scope)
        {
            After = Snapshot(webhook),
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return webhook;
    }

    public async Task<Webhook> UpdateAsync(int id, WebhookInput input, int expectedVersion, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Webhook, id, cancellationToken);
        Validate(input);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await LoadAsync(db, id, cancellationToken);
        var before = Snapshot(webhook);
        db.ExpectVersion(webhook, expectedVersion);
        webhook.Url = input.Url.Trim();
        webhook.Enabled = input.Enabled;
        if (!string.IsNullOrEmpty(input.Secret))
        {
            webhook.Secret = input.Secret;
        }

        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Updated, Entity, id, webhook.Url, Scope(webhook))
        {
            Before = before,
            After = Snapshot(webhook),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken, uniqueField: "url");
        return webhook;
    }

    public async Task DeleteAsync(int id, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.ManageProject, OwnedResource.Webhook, id, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var webhook = await LoadAsync(db, id, cancellationToken);
        db.Webhooks.Remove(webhook);
        AuditTrail.Record(db, await actors.GetActorAsync(), clock, new AuditChange(AuditAction.Deleted, Entity, id, webhook.Url, Scope(webhook))
        {
            Before = Snapshot(webhook),
        });
        await db.SaveOrConflictAsync(Entity, id, cancellationToken);
    }

    /// <summary>The latest deliveries of an environment's webhooks (or of one webhook), newest first.</summary>
    public async Task<WebhookDeliveryPage> ListDeliveriesAsync(int environmentId, int? webhookId, int skip, int take, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Environment, environmentId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await PageAsync(db.WebhookDeliveries.Where(d => d.Webhook!.EnvironmentId == environmentId && (webhookId == null || d.WebhookId == webhookId)), skip, take, cancellationToken);
    }

    /// <summary>The latest deliveries of an organisation's own webhooks (its usage alerts), newest first; to its members.</summary>
    public async Task<WebhookDeliveryPage> ListOrganisationDeliveriesAsync(int organisationId, int skip, int take, CancellationToken cancellationToken = default)
    {
        await access.RequireAsync(Permission.Read, OwnedResource.Organisation, organisationId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await PageAsync(db.WebhookDeliveries.Where(d => d.Webhook!.OrganisationId == organisationId), skip, take, cancellationToken);
    }

    private static async Task<WebhookDeliveryPage> PageAsync(IQueryable<WebhookDelivery> deliveries, int skip, int take, CancellationToken cancellationToken)
    {
        var query = deliveries.AsNoTracking();
        var total = await query.CountAsync(cancellationToken);
        var items = await query.OrderByDescending(d => d.Id).Skip(Math.Max(0, skip)).Take(Math.Clamp(take, 1, 500))
            .Select(d => new WebhookDeliveryView(d.Id, d.WebhookId, d.Webhook!.Url, d.EventType, d.Status, d.Attempts, d.CreatedAt, d.LastAttemptAt, d.NextAttemptAt, d.LastStatusCode, d.LastError))
            .ToListAsync(cancellationToken);
        return new WebhookDeliveryPage(items, total);
    }

    /// <summary>
    /// Takes pending deliveries whose time has come, oldest first, and leases each to the caller by moving its
    /// next attempt past <paramref name="lease"/>: another sender (a second app instance, or the next poll)
    /// does not take it meanwhile, and if this one dies the delivery comes due again when the lease ends.
    /// </summary>
    public async Task<IReadOnlyList<DueDelivery>> ClaimDueDeliveriesAsync(int take, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var due = await db.WebhookDeliveries.AsNoTracking()
            .Where(d => d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt <= now && d.Webhook!.Enabled)
            .OrderBy(d => d.NextAttemptAt).ThenBy(d => d.Id).Take(take)
            .Select(d => new { Delivery = new DueDelivery(d.Id, d.Webhook!.Url, d.Webhook.Secret, d.Payload, d.Attempts), d.NextAttemptAt })
            .ToListAsync(cancellationToken);
        var claimed = new List<DueDelivery>(due.Count);
        foreach (var candidate in due)
        {
            var leasedUntil = now + lease;
            var won = await db.WebhookDeliveries
                .Where(d => d.Id == candidate.Delivery.Id && d.Status == WebhookDeliveryStatus.Pending && d.NextAttemptAt == candidate.NextAttemptAt)
                .ExecuteUpdateAsync(set => set.SetProperty(d => d.NextAttemptAt, leasedUntil), cancellationToken);
            if (won == 1)
            {
                claimed.Add(candidate.Delivery);
            }
        }

        return claimed;
    }

    /// <summary>Forgets finished deliveries (delivered or given up) made before <paramref name="before"/>; pending ones stay.</summary>
    public async Task<int> PruneDeliveriesAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.WebhookDeliveries.Where(d => d.Status != WebhookDeliveryStatus.Pending && d.CreatedAt < before).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Records one attempt: delivered, or retried after a growing wait, or given up after the last attempt.</summary>
    public async Task RecordAttemptAsync(long deliveryId, bool delivered, int? statusCode, string? error, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.WebhookDeliveries.SingleOrDefaultAsync(d => d.Id == deliveryId, cancellationToken);
        if (delivery is not { Status: WebhookDeliveryStatus.Pending })
        {
            return; // Its webhook was deleted meanwhile, or another sender, whose lease this one outlived, finished it.
        }

        var now = clock.GetUtcNow();
        delivery.Attempts++;
        delivery.LastAttemptAt = now;
        delivery.LastStatusCode = statusCode;
        delivery.LastError = error is { Length: > MaxErrorLength } ? error[..MaxErrorLength] : error;
        if (delivered)
        {
            delivery.Status = WebhookDeliveryStatus.Delivered;
        }
        else if (delivery.Attempts >= options.Value.MaxAttempts)
        {
            delivery.Status = WebhookDeliveryStatus.Failed;
        }
        else
        {
            delivery.NextAttemptAt = now + options.Value.RetryDelay(delivery.Attempts);
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private void Validate(WebhookInput input)
    {
        var validation = new Validation()
            .Check(!string.IsNullOrWhiteSpace(input.Url), "url", "A URL is required.")
            .MaxLength("url", input.Url, MaxUrlLength)
            .MaxLength("secret", input.Secret, MaxSecretLength);
        if (!string.IsNullOrWhiteSpace(input.Url))
        {
            if (!Uri.TryCreate(input.Url.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                validation.Add("url", "An absolute http:// or https:// URL is required.");
            }
            else if (!options.Value.AllowPrivateAddresses && WebhookAddresses.NamesPrivateHost(url))
            {
                validation.Add("url", "This URL points at a private or loopback address; the server's Webhooks:AllowPrivateAddresses setting does not allow that.");
            }
        }

        validation.ThrowIfInvalid();
    }

    private static async Task<Webhook> LoadAsync(FlagDashboardDbContext db, int id, CancellationToken cancellationToken) =>
        await db.Webhooks.Include(w => w.Environment).ThenInclude(e => e!.Project).SingleOrDefaultAsync(w => w.Id == id, cancellationToken)
            ?? throw new NotFoundException(Entity, id);

    private static AuditScope Scope(Webhook w) => w.Environment is null
        ? new(w.OrganisationId)
        : new(w.Environment.Project!.OrganisationId, w.Environment.ProjectId, w.EnvironmentId);

    // The secret stays out of the audit log.
    private static object Snapshot(Webhook w) => new { w.Id, w.Url, w.Enabled };
}
