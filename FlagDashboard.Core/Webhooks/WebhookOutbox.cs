using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlagDashboard.Core.Webhooks;

/// <summary>
/// Turns each audited flag change into deliveries for the environment's enabled webhooks, in the same save
/// (and so the same transaction) as the change: a change is never committed without its events, and the
/// services need not know about webhooks.
/// </summary>
internal sealed class WebhookOutbox : SaveChangesInterceptor
{
    public static readonly WebhookOutbox Instance = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        if (eventData.Context is FlagDashboardDbContext db && FlagChanges(db) is { Count: > 0 } changes)
        {
            var environmentIds = changes.Select(c => c.EnvironmentId!.Value).Distinct().ToList();
            AddDeliveries(db, changes, db.Webhooks.AsNoTracking().Where(w => w.Enabled && environmentIds.Contains(w.EnvironmentId)).Select(w => new { w.Id, w.EnvironmentId }).ToList()
                .Select(w => (w.Id, w.EnvironmentId)).ToList());
        }

        return result;
    }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is FlagDashboardDbContext db && FlagChanges(db) is { Count: > 0 } changes)
        {
            var environmentIds = changes.Select(c => c.EnvironmentId!.Value).Distinct().ToList();
            var webhooks = await db.Webhooks.AsNoTracking().Where(w => w.Enabled && environmentIds.Contains(w.EnvironmentId))
                .Select(w => new { w.Id, w.EnvironmentId }).ToListAsync(cancellationToken);
            AddDeliveries(db, changes, webhooks.Select(w => (w.Id, w.EnvironmentId)).ToList());
        }

        return result;
    }

    private static List<AuditEntry> FlagChanges(FlagDashboardDbContext db) =>
        db.ChangeTracker.Entries<AuditEntry>()
            .Where(e => e.State == EntityState.Added && e.Entity.EnvironmentId is not null && WebhookEvents.FlagEntityTypes.Contains(e.Entity.EntityType))
            .Select(e => e.Entity)
            .ToList();

    private static void AddDeliveries(FlagDashboardDbContext db, List<AuditEntry> changes, List<(int Id, int EnvironmentId)> webhooks)
    {
        foreach (var change in changes)
        {
            foreach (var webhook in webhooks.Where(w => w.EnvironmentId == change.EnvironmentId))
            {
                db.WebhookDeliveries.Add(new WebhookDelivery
                {
                    WebhookId = webhook.Id,
                    EventType = WebhookEvents.EventType(change),
                    Payload = WebhookEvents.Payload(change),
                    CreatedAt = change.At,
                    NextAttemptAt = change.At,
                    Status = WebhookDeliveryStatus.Pending,
                });
            }
        }
    }
}
