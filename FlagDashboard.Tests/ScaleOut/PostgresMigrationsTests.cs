using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.ScaleOut;

/// <summary>The PostgreSQL migrations, checked without a server, so a run without PostgreSQL still notices a missing one.</summary>
public sealed class PostgresMigrationsTests
{
    [Fact]
    public void EveryModelChangeHasAPostgresMigrationToo()
    {
        using var db = new FlagDashboardDbContext(new DbContextOptionsBuilder<FlagDashboardDbContext>()
            .UsePostgres("Host=127.0.0.1;Database=not_connected").Options);

        Assert.False(db.Database.HasPendingModelChanges(),
            "The model has changes that no PostgreSQL migration covers: add one (README, \"Running several instances\").");
    }

    [Fact]
    public void TheChangeNotificationTriggerComesAfterTheTablesItWatches()
    {
        using var db = new FlagDashboardDbContext(new DbContextOptionsBuilder<FlagDashboardDbContext>()
            .UsePostgres("Host=127.0.0.1;Database=not_connected").Options);

        var migrations = db.Database.GetMigrations().ToList();

        Assert.EndsWith("_Initial", migrations[0]);
        Assert.Contains(migrations, m => m.EndsWith("_EnvironmentChangeNotifications", StringComparison.Ordinal));
        Assert.True(migrations.FindIndex(m => m.EndsWith("_EnvironmentChangeNotifications", StringComparison.Ordinal)) > 0);
    }
}
