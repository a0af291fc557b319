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
            .Where(e => e.State == EntityState.Added && e.Entity.WebhookEvent is not null && (e.Entity.EnvironmentId ?? e.Entity.ProjectId) is not null)
            .Select(e => e.Entity)
            .ToList();

    /// <summary>A change in an environment reaches its webhooks; one with only a project in scope, those of every environment of the project.</summary>
    private static bool ReachesProject(AuditEntry change) => change.EnvironmentId is null;

    private static IQueryable<EnabledWebhook> WebhooksFor(FlagDashboardDbContext db, List<AuditEntry> changes)
    {
        var environmentIds = changes.Where(c => !ReachesProject(c)).Select(c => c.EnvironmentId!.Value).Distinct().ToList();
        var projectIds = changes.Where(ReachesProject).Select(c => c.ProjectId!.Value).Distinct().ToList();
        return db.Webhooks.AsNoTracking()
            .Where(w => w.Enabled && (environmentIds.Contains(w.EnvironmentId) || projectIds.Contains(w.Environment!.ProjectId)))
            .Select(w => new EnabledWebhook(w.Id, w.EnvironmentId, w.Environment!.ProjectId));
    }

    private static void AddDeliveries(FlagDashboardDbContext db, List<AuditEntry> changes, List<EnabledWebhook> webhooks)
    {
        foreach (var change in changes)
        {
            var targets = ReachesProject(change)
                ? webhooks.Where(w => w.ProjectId == change.ProjectId)
                : webhooks.Where(w => w.EnvironmentId == change.EnvironmentId);
            foreach (var webhook in targets)
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    WebhookId = webhook.Id,
                    EventType = WebhookEvents.EventType(change),
                    Payload = WebhookEvents.Payload(change, webhook.EnvironmentId),
                    CreatedAt = change.At,
                    NextAttemptAt = change.At,
                    Status = WebhookDeliveryStatus.Pending,
                });
            }
        }
    }

    private sealed record EnabledWebhook(int Id, int EnvironmentId, int ProjectId);
}
