using FlagDashboard.Core.Data;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.Data;

public sealed class MigrationTests
{
    [Fact]
    public async Task MigrationsFromEmptyLeaveNothingPendingAndTheModelInSync()
    {
        await using var database = await TestDatabase.CreateAsync();
        await using var db = database.CreateDbContext();

        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
        Assert.False(db.Database.HasPendingModelChanges(), "The model has changes that no migration covers: add a migration.");
    }

    [Fact]
    public async Task TheDatabaseFileRunsInWriteAheadLogMode()
    {
        await using var database = await TestDatabase.CreateAsync(DatabaseProvider.Sqlite);
        await using var db = database.CreateDbContext();

        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync(TestContext.Current.CancellationToken);

        Assert.Equal("wal", Assert.Single(mode));
    }
}
