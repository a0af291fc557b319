using System.Diagnostics;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Identities;

/// <summary>The identities page's search over 100,000 identities in one environment, on a real SQLite file.</summary>
public sealed class IdentitySearchAtScaleTests
{
    private const int IdentityCount = 100_000;

    [Fact]
    public async Task APrefixSearchAndADeepPageStayFastAtOneHundredThousandIdentities()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environmentId = seeded.EnvironmentIds[0];
        await InsertIdentitiesAsync(core.Database.ConnectionString, environmentId);

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
        // Generous bounds for a shared two-core machine; on an idle one each takes a few milliseconds.
        Assert.True(prefixTime < TimeSpan.FromMilliseconds(250), $"prefix search took {prefixTime.TotalMilliseconds} ms");
        Assert.True(firstPageTime < TimeSpan.FromMilliseconds(500), $"first page took {firstPageTime.TotalMilliseconds} ms");
        Assert.True(deepPageTime < TimeSpan.FromMilliseconds(500), $"deep page took {deepPageTime.TotalMilliseconds} ms");
    }

    private static async Task<(T Result, TimeSpan Elapsed)> TimeAsync<T>(Func<Task<T>> action)
    {
        var stopwatch = Stopwatch.StartNew();
        var result = await action();
        return (result, stopwatch.Elapsed);
    }

    private static async Task InsertIdentitiesAsync(string connectionString, int environmentId)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(Token);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(Token);
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO Identities (EnvironmentId, Identifier, CreatedAt) VALUES ($environment, $identifier, 0)";
        command.Parameters.AddWithValue("$environment", environmentId);
        var identifier = command.Parameters.Add("$identifier", SqliteType.Text);
        // Shuffled, so the index and not the insertion order gives the identifier order.
        foreach (var n in Enumerable.Range(0, IdentityCount).OrderBy(n => (n * 7919L) % IdentityCount))
        {
            identifier.Value = $"user-{n:D6}";
            await command.ExecuteNonQueryAsync(Token);
        }

        await transaction.CommitAsync(Token);
    }
}
