using System.Text.Json.Nodes;
using FlagDashboard.Core;
using FlagDashboard.Core.Import;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.Import;

public sealed class EnvironmentDocumentExporterTests : IAsyncLifetime
{
    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private EnvironmentDocumentExporter _exporter = null!;
    private ImportResult _imported = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _exporter = new EnvironmentDocumentExporter(_database);
        var importer = new EnvironmentDocumentImporter(_database, _clock);
        _imported = await importer.ImportAsync("Acme", "Storefront", null, SampleDocuments.Stream(SampleDocuments.Text()), "cli", Cancellation);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task ExportOfAnImportedDocumentGivesAnEquivalentDocument()
    {
        var exported = await ExportAsync(_imported.ClientKey);

        Assert.Equal(
            EnvironmentDocumentComparison.Canonical(SampleDocuments.Tree()),
            EnvironmentDocumentComparison.Canonical(exported));
    }

    [Fact]
    public async Task ExportThenImportThenExportGivesTheSameDocument()
    {
        var first = await ExportAsync(_imported.ClientKey);
        await using var other = await TestDatabase.CreateAsync();
        var importer = new EnvironmentDocumentImporter(other, _clock);
        var result = await importer.ImportAsync("Acme", "Storefront", null, SampleDocuments.Stream(first), "cli", Cancellation);

        var second = JsonNode.Parse(await new EnvironmentDocumentExporter(other).BuildDocumentAsync(result.ServerSideKey, Cancellation))!;

        Assert.Equal(EnvironmentDocumentComparison.Canonical(first), EnvironmentDocumentComparison.Canonical(second));
        Assert.Equal(0, (await importer.ImportAsync("Acme", "Storefront", null, SampleDocuments.Stream(second), "cli", Cancellation)).Changes);
    }

    [Fact]
    public async Task HashingKeysAreWrittenWhereTheSdksReadThem()
    {
        var document = await ExportAsync(_imported.ServerSideKey);

        var states = document["feature_states"]!.AsArray();
        var banner = states.Single(s => (string?)s!["feature"]!["name"] == "welcome_banner")!;
        Assert.Equal("78978", banner["django_id"]!.ToJsonString());
        Assert.Equal("6d9a1e1c-8a8e-4f1b-9f0e-0b9b2d6d1a01", (string?)banner["featurestate_uuid"]);
        Assert.Null(banner["feature_segment"]);
        Assert.True(banner.AsObject().ContainsKey("feature_segment"));

        var legacy = states.Single(s => (string?)s!["feature"]!["name"] == "legacy_checkout")!.AsObject();
        Assert.False(legacy.ContainsKey("django_id"));
        Assert.Equal("2f1c3b7e-5d4a-4e8f-a1b2-c3d4e5f60718", (string?)legacy["featurestate_uuid"]);

        var betaUsers = document["project"]!["segments"]![0]!;
        Assert.Equal("4267", betaUsers["id"]!.ToJsonString());
        var bannerOverride = betaUsers["feature_states"]!.AsArray().Single(s => (string?)s!["feature"]!["name"] == "welcome_banner")!;
        Assert.Equal("78978", bannerOverride["django_id"]!.ToJsonString());
        Assert.Equal("{\"priority\":1}", bannerOverride["feature_segment"]!.ToJsonString());
        Assert.Equal("beta", (string?)betaUsers["rules"]![0]!["rules"]![0]!["conditions"]![0]!["value"]);
        Assert.Equal("plan", (string?)betaUsers["rules"]![0]!["rules"]![0]!["conditions"]![0]!["property_"]);

        var checkout = states.Single(s => (string?)s!["feature"]!["name"] == "checkout_flow")!;
        Assert.Equal("MULTIVARIATE", (string?)checkout["feature"]!["type"]);
        Assert.Equal(
            "[{\"id\":3404,\"percentage_allocation\":30.0,\"multivariate_feature_option\":{\"id\":2001,\"value\":\"one_page\"}}," +
            "{\"id\":3405,\"percentage_allocation\":20.0,\"multivariate_feature_option\":{\"id\":2002,\"value\":3}}," +
            "{\"id\":3406,\"percentage_allocation\":10.5,\"multivariate_feature_option\":{\"id\":2003,\"value\":true}}]",
            checkout["multivariate_feature_state_values"]!.ToJsonString());

        foreach (var identity in document["identity_overrides"]!.AsArray())
        {
            Assert.False(identity!.AsObject().ContainsKey("django_id"));
        }
    }

    [Fact]
    public async Task ValuesKeepTheirJsonKind()
    {
        var document = await ExportAsync(_imported.ClientKey);

        var values = document["feature_states"]!.AsArray()
            .ToDictionary(s => (string)s!["feature"]!["name"]!, s => s!["feature_state_value"]?.ToJsonString() ?? "null");
        Assert.Equal("\"Hello, world\"", values["welcome_banner"]);
        Assert.Equal("25", values["max_items"]);
        Assert.Equal("0.15", values["discount_rate"]);
        Assert.Equal("1.0", values["price_multiplier"]);
        Assert.Equal("true", values["dark_mode"]);
        Assert.Equal("\"1\"", values["api_version"]);
        Assert.Equal("null", values["legacy_checkout"]);
    }

    [Fact]
    public async Task TheClientKeyTheServerSideKeyAndTheEnvironmentIdGiveTheSameDocument()
    {
        var byClientKey = await _exporter.BuildDocumentAsync(_imported.ClientKey, Cancellation);
        var byServerSideKey = await _exporter.BuildDocumentAsync(_imported.ServerSideKey, Cancellation);
        var byId = await _exporter.TryBuildDocumentAsync(_imported.EnvironmentId, Cancellation);

        Assert.Equal(byClientKey, byServerSideKey);
        Assert.Equal(byClientKey, byId);

        using var stream = new MemoryStream();
        await _exporter.ExportAsync(_imported.ClientKey, stream, Cancellation);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(byClientKey), JsonNode.Parse(stream.ToArray())));
    }

    [Fact]
    public async Task ExportOfAnUnknownKeyFailsClearly()
    {
        var error = await Assert.ThrowsAsync<NotFoundException>(() => _exporter.BuildDocumentAsync("NoSuchKey", Cancellation));

        Assert.Equal("Environment with key \"NoSuchKey\" was not found.", error.Message);
        Assert.Null(await _exporter.TryBuildDocumentAsync(_imported.EnvironmentId + 100, Cancellation));
    }

    [Fact]
    public async Task ARevokedServerSideKeyExportsNothing()
    {
        await using (var db = _database.CreateDbContext())
        {
            var key = await db.ServerSideKeys.SingleAsync(Cancellation);
            key.RevokedAt = _clock.Now;
            await db.SaveChangesAsync(Cancellation);
        }

        await Assert.ThrowsAsync<NotFoundException>(() => _exporter.ExportAsync(_imported.ServerSideKey, Stream.Null, Cancellation));
    }

    private async Task<JsonNode> ExportAsync(string key)
    {
        using var stream = new MemoryStream();
        await _exporter.ExportAsync(key, stream, Cancellation);
        return JsonNode.Parse(stream.ToArray())!;
    }
}
