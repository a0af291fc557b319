using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Data;

/// <summary>The one place that turns <see cref="DatabaseOptions"/> into an EF Core provider.</summary>
public static class DatabaseProviders
{
    /// <summary>The PostgreSQL migrations live in their own assembly: each provider has its own history and snapshot.</summary>
    public const string PostgresMigrationsAssembly = "FlagDashboard.Migrations.Postgres";

    public static TBuilder UseFlagDashboardDatabase<TBuilder>(this TBuilder builder, DatabaseOptions options)
        where TBuilder : DbContextOptionsBuilder
    {
        // Webhook deliveries are written in the same save as the change they announce, whichever door it came through.
        builder.AddInterceptors(WebhookOutbox.Instance);
        // SDK identities kept in memory on any instance go when their traits change, whoever changed them.
        builder.AddInterceptors(Sdk.IdentityChanges.Instance);
        if (options.Provider == DatabaseProvider.Postgres)
        {
            return builder.UsePostgres(options.ConnectionString!);
        }

        builder.UseSqlite(options.ResolveSqliteConnectionString()).AddInterceptors(SqlitePragmas.Instance);
        return builder;
    }

    public static TBuilder UsePostgres<TBuilder>(this TBuilder builder, string connectionString)
        where TBuilder : DbContextOptionsBuilder
    {
        builder.UseNpgsql(connectionString, npgsql => npgsql.MigrationsAssembly(PostgresMigrationsAssembly));
        return builder;
    }
}
