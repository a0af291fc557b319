using FlagDashboard.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.Data;

/// <summary>The SQLite settings are made once per physical connection and kept while the pool hands it out again.</summary>
public sealed class SqlitePragmasTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));

    public SqlitePragmasTests() => Directory.CreateDirectory(_directory);

    [Fact]
    public async Task APooledConnectionKeepsItsSettingsAndANewOneGetsThem()
    {
        // A pool of its own (the cache setting makes the connection string unique to this test).
        var options = new DbContextOptionsBuilder<FlagDashboardDbContext>()
            .UseFlagDashboardDatabase(new DatabaseOptions
            {
                Provider = DatabaseProvider.Sqlite,
                ConnectionString = $"Data Source={Path.Combine(_directory, "pragmas.db")};Pooling=True;Cache=Private",
            })
            .Options;
        var cancellationToken = TestContext.Current.CancellationToken;

        object? firstHandle;
        await using (var db = new FlagDashboardDbContext(options))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            firstHandle = ((SqliteConnection)db.Database.GetDbConnection()).Handle;
            Assert.Equal(5000L, await ScalarAsync(db, "PRAGMA busy_timeout;"));
            Assert.Equal(1L, await ScalarAsync(db, "PRAGMA synchronous;"));
            // Changed behind the interceptor's back: a second run of its PRAGMAs would set it back.
            await ScalarAsync(db, "PRAGMA busy_timeout=1234;");
        }

        await using (var db = new FlagDashboardDbContext(options))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            Assert.Same(firstHandle, ((SqliteConnection)db.Database.GetDbConnection()).Handle);
            Assert.Equal(1234L, await ScalarAsync(db, "PRAGMA busy_timeout;"));
        }

        SqliteConnection.ClearAllPools();
        await using (var db = new FlagDashboardDbContext(options))
        {
            await db.Database.OpenConnectionAsync(cancellationToken);
            Assert.NotSame(firstHandle, ((SqliteConnection)db.Database.GetDbConnection()).Handle);
            Assert.Equal(5000L, await ScalarAsync(db, "PRAGMA busy_timeout;"));
            Assert.Equal(1L, await ScalarAsync(db, "PRAGMA synchronous;"));
        }
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    private static async Task<long> ScalarAsync(DbContext db, string sql)
    {
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
