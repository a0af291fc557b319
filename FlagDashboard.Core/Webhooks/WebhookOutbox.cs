using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlagDashboard.Core.Webhooks;

/// <summary>
/// Turns each audited change that declares a webhook event into deliveries for the enabled webhooks it
/// reaches, in the same save (and so the same transaction) as the change: a change is never committed
/// without its events.
/// </summary>
internal sealed class WebhookOutbox : SaveChangesInterceptor
{
    public static readonly WebhookOutbox Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is FlagDashboardDbContext db && FlagChanges(db) is { Count: > 0 } changes)
        {
            AddDeliveries(db, changes, WebhooksFor(db, changes).ToList());
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is FlagDashboardDbContext db && FlagChanges(db) is { Count: > 0 } changes)
        {
            AddDeliveries(db, changes, await WebhooksFor(db, changes).ToListAsync(cancellationToken));
        }

        return result;
    }

    private static List<AuditEntry> FlagChanges(FlagDashboardDbContext db) =>
        db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.WebhookEvent is not null
                && (ReachesOrganisation(e.Entity) ? e.Entity.OrganisationId is not null : (e.Entity.EnvironmentId ?? e.Entity.ProjectId) is not null))
            .Select(e => e.Entity)
            .ToList();

    /// <summary>An organisation's own event goes to its organisation-level webhooks only.</summary>
    private static bool ReachesOrganisation(AuditEntry change) => change.WebhookEvent == WebhookEventKind.UsageThresholdReached;

    /// <summary>A change in an environment reaches its webhooks; one with only a project in scope, those of every environment of the project.</summary>
    private static bool ReachesProject(AuditEntry change) => !ReachesOrganisation(change) && change.EnvironmentId is null;

    private static bool ReachesEnvironment(AuditEntry change) => !ReachesOrganisation(change) && change.EnvironmentId is not null;

    private static IQueryable<EnabledWebhook> WebhooksFor(FlagDashboardDbContext db, List<AuditEntry> changes)
    {
        var environmentIds = changes.Where(ReachesEnvironment).Select(c => c.EnvironmentId).Distinct().ToList();
        var projectIds = changes.Where(ReachesProject).Select(c => c.ProjectId!.Value).Distinct().ToList();
        var organisationIds = changes.Where(ReachesOrganisation).Select(c => c.OrganisationId).Distinct().ToList();
        return db.Webhooks.AsNoTracking()
            .Where(w => w.Enabled && (environmentIds.Contains(w.EnvironmentId) || projectIds.Contains(w.Environment!.ProjectId)
                || (w.EnvironmentId == null && organisationIds.Contains(w.OrganisationId))))
            .Select(w => new EnabledWebhook(w.Id, w.EnvironmentId, w.EnvironmentId == null ? null : w.Environment!.ProjectId, w.OrganisationId));
    }

    private static void AddDeliveries(FlagDashboardDbContext db, List<AuditEntry> changes, List<EnabledWebhook> webhooks)
    {
        foreach (var change in changes)
        {
            var targets = ReachesOrganisation(change) ? webhooks.Where(w => w.EnvironmentId is null && w.OrganisationId == change.OrganisationId)
                : ReachesProject(change) ? webhooks.Where(w => w.ProjectId == change.ProjectId)
                : webhooks.Where(w => w.EnvironmentId == change.EnvironmentId);
            foreach (var webhook in targets)
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    WebhookId = webhook.Id,
                    EventType = WebhookEvents.EventType(change),
                    Payload = webhook.EnvironmentId is { } environmentId ? WebhookEvents.Payload(change, environmentId) : WebhookEvents.OrganisationPayload(change),
                    CreatedAt = change.At,
                    NextAttemptAt = change.At,
                    Status = WebhookDeliveryStatus.Pending,
                });
            }
        }
    }

    private sealed record EnabledWebhook(int Id, int? EnvironmentId, int? ProjectId, int? OrganisationId);
}
