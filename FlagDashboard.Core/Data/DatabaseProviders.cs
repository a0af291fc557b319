using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Data;

/// <summary>The one place that turns <see cref="DatabaseOptions"/> into an EF Core provider.</summary>
public static class DatabaseProviders
{
    /// <summary>The PostgreSQL migrations live in their own assembly: each provider has its own history and snapshot.</summary>
    public const string PostgresMigrationsAssembly = "FlagDashboard.Migrations.Postgres";

    public static DbContextOptionsBuilder UseFlagDashboardDatabase(this DbContextOptionsBuilder builder, DatabaseOptions options) =>
        options.Provider switch
        {
            DatabaseProvider.Postgres => builder.UsePostgres(options.ConnectionString!),
            _ => builder.UseSqlite(options.ResolveSqliteConnectionString()).AddInterceptors(SqlitePragmas.Instance),
        };

    public static DbContextOptionsBuilder UsePostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
}
