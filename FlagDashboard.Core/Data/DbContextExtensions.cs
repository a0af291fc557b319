using System.Linq.Expressions;
using FlagDashboard.Core.Environments;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Data;

internal static class DbContextExtensions
{
    /// <summary>
    /// Saves, turning a stale version into <see cref="ConcurrencyConflictException"/> and a broken unique
    /// index into a <see cref="ValidationException"/> (two people creating the same name at once).
    /// </summary>
    public static async Task SaveOrConflictAsync(this FlagDashboardDbContext db, string entity, object id, CancellationToken cancellationToken, string uniqueField = "name")
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException(entity, id);
        }
        catch (DbUpdateException exception) when (IsUniqueViolation(exception))
        {
            throw new ValidationException(uniqueField, $"Another {entity.ToLowerInvariant()} already uses this {uniqueField}.");
        }
    }

    /// <summary>
    /// Saves the change and, in the same transaction, marks the environments whose SDK answers it may
    /// alter as changed, so the SDK API knows to rebuild them. The time is read once the transaction holds
    /// the write lock, so stamps rise in commit order and an SDK never sees the clock go back.
    /// </summary>
    public static async Task SaveAndTouchAsync(
        this FlagDashboardDbContext db,
        string entity,
        object id,
        Expression<Func<ProjectEnvironment, bool>> affectedEnvironments,
        TimeProvider clock,
        CancellationToken cancellationToken,
        string uniqueField = "name")
    {
        var ownTransaction = db.Database.CurrentTransaction is null
            ? await db.Database.BeginTransactionAsync(cancellationToken)
            : null;
        await using (ownTransaction)
        {
            await db.SaveOrConflictAsync(entity, id, cancellationToken, uniqueField);
            var now = clock.GetUtcNow();
            await db.Environments.Where(affectedEnvironments)
                .ExecuteUpdateAsync(set => set.SetProperty(e => e.DocumentUpdatedAt, now), cancellationToken);
            if (ownTransaction is not null)
            {
                await ownTransaction.CommitAsync(cancellationToken);
            }
        }
    }

    /// <summary>
    /// Makes the next save fail with a conflict unless the entity is still at the version the caller read,
    /// and raise the version when it succeeds, even if only dependents (options, weights) changed.
    /// </summary>
    public static void ExpectVersion<T>(this FlagDashboardDbContext db, T entity, int expectedVersion)
        where T : class, IVersioned
    {
        var version = db.Entry(entity).Property(e => e.Version);
        version.OriginalValue = expectedVersion;
        version.IsModified = true;
    }

    internal static bool IsUniqueViolation(DbUpdateException exception) =>
        exception.InnerException?.Message.Contains("UNIQUE", StringComparison.OrdinalIgnoreCase) == true
        || exception.InnerException?.GetType().GetProperty("SqlState")?.GetValue(exception.InnerException) as string == "23505";
}
