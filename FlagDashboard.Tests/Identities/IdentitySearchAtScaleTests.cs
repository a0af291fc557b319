using System.Diagnostics;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Identities;

/// <summary>
/// The identities page's search over 100,000 identities in one environment, on either provider. The times are printed
/// with the test's output (figures, not bounds: speed is not asserted in tests).
/// </summary>
public sealed class IdentitySearchAtScaleTests
{
    private const int IdentityCount = 100_000;

    [Fact]
    public async Task APrefixSearchAndADeepPageAnswerRightAtOneHundredThousandIdentities()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environmentId = seeded.EnvironmentIds[0];
        await InsertIdentitiesAsync(core.Database, environmentId);

        // Warm the connection pool and SQLite's page cache, as a running app would be.
        await core.Identities.SearchAsync(environmentId, "user-5", 0, 50, Token);

        var (prefix, prefixTime) = await TimeAsync(() => core.Identities.SearchAsync(environmentId, "user-04242", 0, 50, Token));
        var (all, firstPageTime) = await TimeAsync(() => core.Identities.SearchAsync(environmentId, "", 0, 50, Token));
        var (deep, deepPageTime) = await TimeAsync(() => core.Identities.SearchAsync(environmentId, "user-01", 1_950, 50, Token));

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"100,000 identities: prefix search {prefixTime.TotalMilliseconds:0.0} ms, first page {firstPageTime.TotalMilliseconds:0.0} ms, page 40 of a prefix {deepPageTime.TotalMilliseconds:0.0} ms");
        Assert.Equal(["user-042420", "user-042421", "user-042429"], prefix.Items.Select(i => i.Identifier).Where(i => i is "user-042420" or "user-042421" or "user-042429"));
        Assert.Equal(10, prefix.TotalCount);
        Assert.Equal(IdentityCount, all.TotalCount);
        Assert.Equal("user-000000", all.Items[0].Identifier);
        Assert.Equal("user-011950", deep.Items[0].Identifier);
        Assert.Equal(10_000, deep.TotalCount);
    }

    private static async Task<(T Result, TimeSpan Elapsed)> TimeAsync<T>(Func<Task<T>> action)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await action();
        return (result, stopwatch.Elapsed);
    }

    private static async Task InsertIdentitiesAsync(TestDatabase database, int environmentId)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(Token);
        await using var transaction = await connection.BeginTransactionAsync(Token);
        // Shuffled, so the index and not the insertion order gives the identifier order. Quoted names suit both providers.
        foreach (var chunk in Enumerable.Range(0, IdentityCount).OrderBy(n => (n * 7919L) % IdentityCount).Chunk(1_000))
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO \"Identities\" (\"EnvironmentId\", \"Identifier\", \"CreatedAt\") VALUES "
                + string.Join(", ", chunk.Select(n => $"({environmentId}, 'user-{n:D6}', 0)"));
            await command.ExecuteNonQueryAsync(Token);
        }

        await transaction.CommitAsync(Token);
    }
}
