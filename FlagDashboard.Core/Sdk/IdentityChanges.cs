using FlagDashboard.Core.Data;
using FlagDashboard.Core.Identities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlagDashboard.Core.Sdk;

/// <summary>
/// Announces, after every save, the existing identities whose traits changed or that were deleted, whichever
/// door the change came through (SDK, dashboard, verb): to this process at once and, on PostgreSQL, to every
/// instance on <see cref="Channel"/>. The notification is sent on the save's connection: inside a transaction it
/// is delivered at commit, after an implicit one it follows the commit; never before the change is visible.
/// Overrides need no announcement of their own: they stamp the environment, which drops its identities.
/// </summary>
public sealed class IdentityChanges : SaveChangesInterceptor
{
    public static readonly IdentityChanges Instance = new();

    public const string Channel = "flagdashboard_identity_changed";

    /// <summary>PostgreSQL's payload limit is 8,000 bytes; a longer list is sent as "every identity".</summary>
    private const int MaxPayload = 7_000;

    private const string Everything = "*";

    /// <summary>Ids of changed identities, or null for "any identity may have changed".</summary>
    public static event Action<IReadOnlyCollection<int>?>? Changed;

    // From SavingChanges to SavedChanges: deleted entries are gone from the tracker once saved.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<int>> Pending = new();

    public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        Collect(eventData.Context);
        return result;
    }

    public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        Collect(eventData.Context);
        return ValueTask.FromResult(result);
    }

    public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
    {
        if (Take(eventData.Context) is { } ids)
        {
            Changed?.Invoke(ids);
            if (eventData.Context!.Database.IsNpgsql())
            {
                eventData.Context.Database.ExecuteSqlRaw("SELECT pg_notify({0}, {1})", Channel, Payload(ids));
            }
        }

        return result;
    }

    public override async ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        if (Take(eventData.Context) is { } ids)
        {
            Changed?.Invoke(ids);
            if (eventData.Context!.Database.IsNpgsql())
            {
                await eventData.Context.Database.ExecuteSqlRawAsync("SELECT pg_notify({0}, {1})", [Channel, Payload(ids)], cancellationToken);
            }
        }

        return result;
    }

    public override void SaveChangesFailed(DbContextErrorEventData eventData) => Take(eventData.Context);

    public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Take(eventData.Context);
        return Task.CompletedTask;
    }

    /// <summary>Reads a notification's payload: the ids, or null for every identity.</summary>
    public static IReadOnlyCollection<int>? Parse(string payload)
    {
        if (payload == Everything)
        {
            return null;
        }

        var ids = new List<int>();
        foreach (var part in payload.Split(','))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id))
            {
                return null;
            }

            ids.Add(id);
        }

        return ids;
    }

    /// <summary>Raises <see cref="Changed"/> for a notification from another instance.</summary>
    public static void Announce(IReadOnlyCollection<int>? ids) => Changed?.Invoke(ids);

    private static string Payload(List<int> ids)
    {
        var payload = string.Join(',', ids);
        return payload.Length <= MaxPayload ? payload : Everything;
    }

    private static void Collect(DbContext? context)
    {
        if (context is not FlagDashboardDbContext db)
        {
            return;
        }

        List<int>? ids = null;
        foreach (var entry in db.ChangeTracker.Entries())
        {
            var id = entry switch
            {
                // A new identity's traits concern no one yet: nobody can hold it.
                { Entity: Trait trait, State: EntityState.Modified or EntityState.Deleted } => trait.IdentityId,
                { Entity: Trait trait, State: EntityState.Added } when trait.Identity is not { } identity || db.Entry(identity).State != EntityState.Added => trait.IdentityId,
                { Entity: Identity identity, State: EntityState.Modified or EntityState.Deleted } => identity.Id,
                _ => 0,
            };
            if (id > 0)
            {
                (ids ??= []).Add(id);
            }
        }

        if (ids is not null)
        {
            Pending.AddOrUpdate(db, ids);
        }
    }

    private static List<int>? Take(DbContext? context) =>
        context is not null && Pending.TryGetValue(context, out var ids) && Pending.Remove(context) ? ids.Distinct().ToList() : null;
}
