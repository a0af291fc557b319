using FlagDashboard.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>A real SQLite file in a fresh temporary folder, migrated with the real migrations.</summary>
public sealed class TestDatabase : IAsyncDisposable, IDbContextFactory<FlagDashboardDbContext>
{
    private TestDatabase(string directory)
    {
        Directory = directory;
        ConnectionString = $"Data Source={Path.Combine(directory, "flagdashboard.db")};Foreign Keys=True;Pooling=False";
        Options = new DbContextOptionsBuilder<FlagDashboardDbContext>().UseSqlite(ConnectionString).Options;
    }

    public string Directory { get; }

    public string ConnectionString { get; }

    public DbContextOptions<FlagDashboardDbContext> Options { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var directory = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        var database = new TestDatabase(directory);
        await DatabaseInitializer.MigrateAsync(database, NullLogger.Instance);
        return database;
    }

    public FlagDashboardDbContext CreateDbContext() => new(Options);

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown is left for the OS to clean; the test result stands.
        }

        return ValueTask.CompletedTask;
    }
}
