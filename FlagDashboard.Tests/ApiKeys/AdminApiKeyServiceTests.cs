using FlagDashboard.Core.Access;
using System.Globalization;
using FlagDashboard.Core;
using FlagDashboard.Core.ApiKeys;
using FlagDashboard.Tests.Infrastructure;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.ApiKeys;

public sealed class AdminApiKeyServiceTests
{
    [Fact]
    public async Task ACreatedKeyAuthenticatesToItsOrganisation()
    {
        await using var core = await CoreServices.CreateAsync("grace");
        var acme = await core.Organisations.CreateAsync("Acme", Token);
        var globex = await core.Organisations.CreateAsync("Globex", Token);
        await core.ApiKeys.CreateAsync(acme.Id, "CI", cancellationToken: Token);

        var created = await core.ApiKeys.CreateAsync(globex.Id, "Terraform", cancellationToken: Token);
        var authenticated = await core.ApiKeys.AuthenticateAsync(created.Secret, Token);

        Assert.Equal(new AuthenticatedApiKey(created.Key.Id, globex.Id, "Terraform", ApiKeyRole.Owner, null), authenticated);
        Assert.Equal("grace", created.Key.CreatedBy);
        Assert.StartsWith(created.Key.Prefix, created.Secret, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSecretIsStoredOnlyAsAHash()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);

        var created = await core.ApiKeys.CreateAsync(organisation.Id, "CI", cancellationToken: Token);

        var stored = Assert.Single(await core.ApiKeys.ListAsync(organisation.Id, Token));
        Assert.Equal(64, stored.SecretHash.Length);
        Assert.NotEqual(created.Secret, stored.SecretHash);
        Assert.True(created.Secret.Length > stored.Prefix.Length + 20, "The shown prefix gives away most of the secret.");
        foreach (var table in new[] { "AdminApiKeys", "AuditEntries" })
        {
            foreach (var row in await ReadAllTextAsync(core.Database, table))
            {
                Assert.DoesNotContain(created.Secret, row, StringComparison.Ordinal);
                Assert.DoesNotContain(created.Secret[^20..], row, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task ARevokedKeyNoLongerAuthenticates()
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);
        var revoked = await core.ApiKeys.CreateAsync(organisation.Id, "Old", cancellationToken: Token);
        var kept = await core.ApiKeys.CreateAsync(organisation.Id, "New", cancellationToken: Token);

        await core.ApiKeys.RevokeAsync(revoked.Key.Id, Token);
        await core.ApiKeys.RevokeAsync(revoked.Key.Id, Token);

        Assert.Null(await core.ApiKeys.AuthenticateAsync(revoked.Secret, Token));
        Assert.NotNull(await core.ApiKeys.AuthenticateAsync(kept.Secret, Token));
        Assert.Equal(core.Clock.Now, (await core.ApiKeys.ListAsync(organisation.Id, Token))[0].RevokedAt);
        Assert.Single(await core.AuditEntriesAsync(), e => e.EntityType == "AdminApiKey" && e.After == "{\"revoked\":true}");
    }

    [Theory]
    [InlineData("")]
    [InlineData("fdk_")]
    [InlineData("not-a-key")]
    [InlineData("fdk_0000000000000000000000000000000000000000")]
    public async Task AGarbageKeyDoesNotAuthenticate(string presented)
    {
        await using var core = await CoreServices.CreateAsync();
        var organisation = await core.Organisations.CreateAsync("Acme", Token);
        var created = await core.ApiKeys.CreateAsync(organisation.Id, "CI", cancellationToken: Token);

        Assert.Null(await core.ApiKeys.AuthenticateAsync(presented, Token));
        Assert.Null(await core.ApiKeys.AuthenticateAsync(created.Secret + "x", Token));
        Assert.Null(await core.ApiKeys.AuthenticateAsync(created.Secret.ToUpperInvariant(), Token));
        Assert.Null(await core.ApiKeys.AuthenticateAsync(new string('a', 10_000), Token));
    }

    [Fact]
    public async Task AKeyForAnUnknownOrganisationIsNotCreated()
    {
        await using var core = await CoreServices.CreateAsync();

        await Assert.ThrowsAsync<NotFoundException>(() => core.ApiKeys.CreateAsync(42, "CI", cancellationToken: Token));
    }

    private static async Task<List<string>> ReadAllTextAsync(TestDatabase database, string table)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT * FROM \"{table}\"";
        await using var reader = await command.ExecuteReaderAsync(Token);
        var rows = new List<string>();
        while (await reader.ReadAsync(Token))
        {
            rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        Assert.NotEmpty(rows);
        return rows;
    }
}
