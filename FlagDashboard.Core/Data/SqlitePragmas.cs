using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlagDashboard.Core.Data;

/// <summary>
/// Per-connection SQLite settings. In write-ahead-log mode, <c>synchronous=NORMAL</c> syncs at checkpoints
/// rather than on every commit: the database cannot be corrupted by a crash, and a power cut can lose only
/// the last moments of writes, for several times the write throughput of SDK identity calls.
/// <c>busy_timeout</c> lets a writer wait for another instead of failing at once.
/// Both belong to the physical connection and outlive its return to the pool, so they are set once per
/// physical connection, not on every pooled open (which SDK identity calls make per request).
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";

    // Keyed by the native connection handle, which the pool hands out again; an entry goes with its handle.
    private static readonly ConditionalWeakTable<object, object> Configured = new();
    private static readonly object Marker = new();

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (!TryClaim(connection, out var handle))
        {
            return;
        }

        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            command.ExecuteNonQuery();
        }
        catch
        {
            Release(handle);
            throw;
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (!TryClaim(connection, out var handle))
        {
            return;
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = Pragmas;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch
        {
            Release(handle);
            throw;
        }
    }

    /// <summary>True when this physical connection has not had its settings yet (or cannot be told apart).</summary>
    private static bool TryClaim(DbConnection connection, out object? handle)
    {
        handle = (connection as SqliteConnection)?.Handle;
        return handle is null || Configured.TryAdd(handle, Marker);
    }

    private static void Release(object? handle)
    {
        if (handle is not null)
        {
            Configured.Remove(handle);
        }
    }
}
