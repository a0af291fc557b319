using System.Data.Common;
using FlagDashboard.Core.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>
/// A fresh database migrated with the real migrations: a SQLite file in a temporary folder, or, when the
/// environment variable <c>FLAGDASHBOARD_TEST_DATABASE</c> is <c>Postgres</c>, a new database on the run's
/// PostgreSQL server. So the same tests run against both providers (scripts/test.sh runs the Core service
/// tests twice).
/// </summary>
public sealed class TestDatabase : IAsyncDisposable, IDbContextFactory<FlagDashboardDbContext>
{
    public const string ProviderVariable = "FLAGDASHBOARD_TEST_DATABASE";

    private readonly PostgresServer? _server;
    private readonly string? _postgresDatabase;

    private TestDatabase(string directory, DatabaseProvider provider, string connectionString, PostgresServer? server, string? postgresDatabase)
    {
        Directory = directory;
        Provider = provider;
        ConnectionString = connectionString;
        _server = server;
        _postgresDatabase = postgresDatabase;
        Options = new DbContextOptionsBuilder<FlagDashboardDbContext>()
            .UseFlagDashboardDatabase(new DatabaseOptions { Provider = provider, ConnectionString = connectionString })
            .Options;
    }

    /// <summary>The provider the tests of this run use by default.</summary>
    public static DatabaseProvider DefaultProvider =>
        string.Equals(Environment.GetEnvironmentVariable(ProviderVariable), nameof(DatabaseProvider.Postgres), StringComparison.OrdinalIgnoreCase)
            ? DatabaseProvider.Postgres
            : DatabaseProvider.Sqlite;

    public string Directory { get; }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    public DbContextOptions<FlagDashboardDbContext> Options { get; }

    public static Task<TestDatabase> CreateAsync() => CreateAsync(DefaultProvider);

    /// <param name="migrate">
    /// True for a database as the real migrations leave it: a copy of one template migrated once per run (a file copy
    /// on SQLite, <c>CREATE DATABASE ... TEMPLATE</c> on PostgreSQL), which is what migrating each one would give,
    /// without paying for the migrations in every test. False for an empty database.
    /// </param>
    public static async Task<TestDatabase> CreateAsync(DatabaseProvider provider, bool migrate = true)
    {
        var directory = NewDirectory();
        if (provider == DatabaseProvider.Postgres)
        {
            var server = await PostgresServer.GetAsync();
            var name = await server.CreateDatabaseAsync(migrate ? await PostgresTemplate.Value : null);
            return new TestDatabase(directory, provider, server.ConnectionStringFor(name), server, name);
        }

        var file = Path.Combine(directory, "flagdashboard.db");
        if (migrate)
        {
            File.Copy(await SqliteTemplate.Value, file);
        }

        return new TestDatabase(directory, provider, SqliteConnectionString(file), null, null);
    }

    private static readonly Lazy<Task<string>> SqliteTemplate = new(MigrateSqliteTemplateAsync);

    private static readonly Lazy<Task<string>> PostgresTemplate = new(MigratePostgresTemplateAsync);

    private static string NewDirectory()
    {
        var directory = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    private static string SqliteConnectionString(string file) => $"Data Source={file};Foreign Keys=True;Pooling=False";

    /// <summary>The run's migrated SQLite file, with its write-ahead log folded in so that the one file is the whole database.</summary>
    private static async Task<string> MigrateSqliteTemplateAsync()
    {
        var file = Path.Combine(NewDirectory(), "template.db");
        var template = new TestDatabase(Path.GetDirectoryName(file)!, DatabaseProvider.Sqlite, SqliteConnectionString(file), null, null);
        await DatabaseInitializer.MigrateAsync(template, NullLogger.Instance);
        await using (var db = template.CreateDbContext())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA wal_checkpoint(TRUNCATE);");
        }

        SqliteConnection.ClearAllPools();
        return file;
    }

    /// <summary>The run's migrated PostgreSQL database, left with no connection so that it can be copied.</summary>
    private static async Task<string> MigratePostgresTemplateAsync()
    {
        var server = await PostgresServer.GetAsync();
        var name = await server.CreateDatabaseAsync();
        var connectionString = new NpgsqlConnectionStringBuilder(server.ConnectionStringFor(name)) { Pooling = false }.ConnectionString;
        var template = new TestDatabase(NewDirectory(), DatabaseProvider.Postgres, connectionString, null, null);
        await DatabaseInitializer.MigrateAsync(template, NullLogger.Instance);
        return name;
    }

    public FlagDashboardDbContext CreateDbContext() => new(Options);

    /// <summary>A plain ADO.NET connection (not opened), for a test that reads the tables as they are stored.</summary>
    public DbConnection CreateConnection() =>
        Provider == DatabaseProvider.Postgres ? new NpgsqlConnection(ConnectionString) : new SqliteConnection(ConnectionString);

    /// <summary>The names of the app's tables, in name order.</summary>
    public string TableNamesQuery => Provider == DatabaseProvider.Postgres
        ? "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1"
        : "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_server is not null)
        {
            await _server.DropDatabaseAsync(_postgresDatabase!);
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow shutdown is left for the OS to clean; the test result stands.
        }
    }
}
