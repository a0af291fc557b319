using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace FlagDashboard.Core.Data;

/// <summary>
/// Per-connection SQLite settings. In write-ahead-log mode, <c>synchronous=NORMAL</c> syncs at checkpoints
/// rather than on every commit: the database cannot be corrupted by a crash, and a power cut can lose only
/// the last moments of writes, for several times the write throughput of SDK identity calls.
/// <c>busy_timeout</c> lets a writer wait for another instead of failing at once.
/// </summary>
internal sealed class SqlitePragmas : DbConnectionInterceptor
{
    public static readonly SqlitePragmas Instance = new();

    private const string Pragmas = "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
