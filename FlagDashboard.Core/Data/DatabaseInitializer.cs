using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Core.Data;

public static class DatabaseInitializer
{
    /// <summary>
    /// Any 64-bit number that no other software on the same PostgreSQL database uses as an advisory lock;
    /// this one spells "FlagDash" in ASCII.
    /// </summary>
    internal const long MigrationLockKey = 0x466C_6167_4461_7368;

    /// <summary>
    /// Applies pending migrations; on SQLite also switches the file to write-ahead logging. On PostgreSQL the
    /// migrations run under an advisory lock, so instances started at once migrate one after the other: the
    /// first applies them, the others find nothing left to do. The database itself must exist.
    /// </summary>
    public static async Task MigrateAsync(IDbContextFactory<FlagDashboardDbContext> factory, ILogger logger, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            var dataSource = new Microsoft.Data.Sqlite.SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            await ApplyPendingAsync(db, logger, cancellationToken);
            // WAL lets the dashboard and SDK requests read while a write is in progress; the mode is kept in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
            return;
        }

        // The lock belongs to the session: keep one connection open from lock to unlock.
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
            try
            {
                await ApplyPendingAsync(db, logger, cancellationToken);
            }
            finally
            {
                await db.Database.ExecuteSqlRawAsync($"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    private static async Task ApplyPendingAsync(FlagDashboardDbContext db, ILogger logger, CancellationToken cancellationToken)
    {
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        if (pending.Count > 0)
        {
            logger.LogInformation("Applying {MigrationCount} database migrations: {Migrations}", pending.Count, pending);
            await db.Database.MigrateAsync(cancellationToken);
        }
    }
}
