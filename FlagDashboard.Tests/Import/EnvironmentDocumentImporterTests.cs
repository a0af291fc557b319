using System.Text.Json.Nodes;
using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Segments;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Tests.Import;

public sealed class EnvironmentDocumentImporterTests : IAsyncLifetime
{
    private const string Organisation = "Acme";
    private const string Project = "Storefront";
    private const string Actor = "cli";

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 25, 9, 0, 0, TimeSpan.Zero));
    private TestDatabase _database = null!;
    private EnvironmentDocumentImporter _importer = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        _importer = new EnvironmentDocumentImporter(_database, _clock);
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();

    [Fact]
    public async Task ImportIntoAnEmptyDatabaseCreatesTheOrganisationProjectAndEnvironment()
    {
        var result = await ImportAsync(SampleDocuments.Tree());

        Assert.True(result.EnvironmentCreated);
        Assert.Equal(SampleDocuments.DevelopmentKey, result.ClientKey);
        Assert.Equal("Development", result.EnvironmentName);
        Assert.StartsWith("ser.", result.ServerSideKey, StringComparison.Ordinal);
        Assert.Equal(new ImportCounts(Features: 9, MultivariateOptions: 6, Segments: 4, SegmentOverrides: 5, Identities: 3, Traits: 7, IdentityOverrides: 5), result.Counts);

        await using var db = _database.CreateDbContext();
        var environment = await db.Environments.Include(e => e.Project!).ThenInclude(p => p.Organisation).Include(e => e.ServerSideKeys)
            .SingleAsync(Cancellation);
        Assert.Equal(result.EnvironmentId, environment.Id);
        Assert.Equal(Organisation, environment.Project!.Organisation!.Name);
        Assert.Equal(Project, environment.Project.Name);
        Assert.True(environment.Project.HideDisabledFlags);
        Assert.Equal(_clock.Now, environment.DocumentUpdatedAt);
        Assert.Equal(result.ServerSideKey, Assert.Single(environment.ServerSideKeys).Key);

        var audit = Assert.Single(await db.AuditEntries.ToListAsync(Cancellation));
        Assert.Equal(AuditAction.Imported, audit.Action);
        Assert.Equal(Actor, audit.Actor);
        Assert.Equal(environment.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), audit.EntityId);
        Assert.Equal(environment.Id, audit.EnvironmentId);
    }

    [Fact]
    public async Task ImportedFeaturesStatesAndOverridesKeepTheDocumentsHashingKeys()
    {
        await ImportAsync(SampleDocuments.Tree());

        await using var db = _database.CreateDbContext();
        var states = await db.FeatureStates.Include(s => s.Feature).Include(s => s.Segment).Include(s => s.Identity)
            .Include(s => s.Weights).ThenInclude(w => w.Option).ToListAsync(Cancellation);

        // The legacy number: one environment state and one segment override share 78978.
        var shared = states.Where(s => s.HashKey == "78978").ToList();
        Assert.Equal(2, shared.Count);
        Assert.Contains(shared, s => s.IsEnvironmentDefault && s.Feature!.Name == "welcome_banner");
        Assert.Contains(shared, s => s.Segment?.Name == "beta_users" && s.SegmentPriority == 1);

        var legacy = states.Single(s => s.IsEnvironmentDefault && s.Feature!.Name == "legacy_checkout");
        Assert.Equal("2f1c3b7e-5d4a-4e8f-a1b2-c3d4e5f60718", legacy.HashKey);
        Assert.Equal(legacy.HashKey, legacy.Uuid);

        var checkout = states.Single(s => s.IsEnvironmentDefault && s.Feature!.Name == "checkout_flow");
        Assert.Equal(FeatureType.Multivariate, checkout.Feature!.Type);
        Assert.Equal("78985", checkout.HashKey);
        Assert.Equal("6d9a1e1c-8a8e-4f1b-9f0e-0b9b2d6d1a08", checkout.Uuid);
        Assert.Equal(
            [(3404L, 30.0, 2001L, "\"one_page\""), (3405L, 20.0, 2002L, "3"), (3406L, 10.5, 2003L, "true")],
            checkout.Weights.OrderBy(w => w.ExternalId).Select(w => (w.ExternalId, w.Percentage, w.Option!.ExternalId, w.Option.Value.ToJson())));
        Assert.Equal([30.0, 20.0, 10.5], checkout.Feature.Options.OrderBy(o => o.ExternalId).Select(o => o.DefaultWeight));

        var segments = await db.Segments.OrderBy(s => s.Id).ToListAsync(Cancellation);
        Assert.Equal([4267L, 4268L, 4269L, 4270L], segments.Select(s => s.ExternalId));
        var split = segments.Single(s => s.Name == "ten_percent_in_europe").Rules.Single();
        Assert.Equal(new Condition { Operator = Operators.PercentageSplit, Property = "", Value = "10" }, split.Conditions[0]);
        Assert.Equal(RuleType.None, split.Rules.Single().Type);
        Assert.Equal(RuleType.Any, split.Rules.Single().Rules.Single().Type);

        var identityOverrides = states.Where(s => s.IdentityId is not null).ToList();
        Assert.Equal(5, identityOverrides.Count);
        Assert.Equal(["007", "alice@example.com", "bob"], identityOverrides.Select(s => s.Identity!.Identifier).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ValuesAndTraitsKeepTheirJsonKind()
    {
        await ImportAsync(SampleDocuments.Tree());

        await using var db = _database.CreateDbContext();
        var defaults = await db.FeatureStates.Include(s => s.Feature).Where(s => s.SegmentId == null && s.IdentityId == null)
            .ToDictionaryAsync(s => s.Feature!.Name, s => s.Value, Cancellation);
        Assert.Equal(FlagValue.FromString("Hello, world"), defaults["welcome_banner"]);
        Assert.Equal(FlagValue.FromInteger(25), defaults["max_items"]);
        Assert.Equal(FlagValue.FromDouble(0.15), defaults["discount_rate"]);
        Assert.Equal(FlagValue.FromDouble(1.0), defaults["price_multiplier"]);
        Assert.Equal(FlagValue.FromBool(true), defaults["dark_mode"]);
        Assert.Equal(FlagValue.FromString("1"), defaults["api_version"]);
        Assert.Equal(FlagValue.None, defaults["legacy_checkout"]);

        var traits = await db.Traits.Include(t => t.Identity).Where(t => t.Identity!.Identifier == "alice@example.com").ToDictionaryAsync(t => t.Key, t => t.Value.ToJson(), Cancellation);
        Assert.Equal(
            new Dictionary<string, string> { ["plan"] = "\"beta\"", ["logins"] = "150", ["score"] = "9.5", ["ratio"] = "1.0", ["verified"] = "true", ["age"] = "\"39\"" },
            traits);
    }

    [Fact]
    public async Task ASecondImportOfTheSameDocumentChangesNothing()
    {
        var first = await ImportAsync(SampleDocuments.Tree());
        var before = await DatabaseSnapshot.TakeAsync(_database, "AuditEntries");
        _clock.Advance(TimeSpan.FromMinutes(5));

        var second = await ImportAsync(SampleDocuments.Tree());

        Assert.False(second.EnvironmentCreated);
        Assert.Equal(0, second.Changes);
        Assert.Equal(first.Counts, second.Counts);
        Assert.Equal(first.EnvironmentId, second.EnvironmentId);
        Assert.Equal(first.ServerSideKey, second.ServerSideKey);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(_database, "AuditEntries"));
        await using var db = _database.CreateDbContext();
        Assert.Equal(2, await db.AuditEntries.CountAsync(e => e.Action == AuditAction.Imported, Cancellation));
    }

    [Fact]
    public async Task AReimportUpdatesChangedValuesInPlaceAndKeepsTheServerSideKey()
    {
        var first = await ImportAsync(SampleDocuments.Tree());
        var idsBefore = await StateIdsAsync();
        _clock.Advance(TimeSpan.FromMinutes(5));

        var changed = SampleDocuments.Tree();
        changed["feature_states"]![1]!["feature_state_value"] = 30;
        changed["feature_states"]![7]!["multivariate_feature_state_values"]![0]!["percentage_allocation"] = 25.0;
        changed["project"]!["segments"]![1]!["rules"]![0]!["conditions"]![0]!["value"] = "200";
        changed["project"]!["segments"]![1]!["feature_states"]!.AsArray().RemoveAt(1);
        changed["identity_overrides"]![2]!["identity_traits"]!.AsArray().Add(new JsonObject { ["trait_key"] = "tier", ["trait_value"] = 2 });
        changed["identity_overrides"]![0]!["identity_traits"]![0]!["trait_value"] = null;
        var second = await ImportAsync(changed);

        Assert.False(second.EnvironmentCreated);
        Assert.Equal(first.EnvironmentId, second.EnvironmentId);
        Assert.Equal(first.ServerSideKey, second.ServerSideKey);
        Assert.True(second.Changes > 0);

        await using var db = _database.CreateDbContext();
        var idsAfter = await StateIdsAsync();
        Assert.Equal(idsBefore.Count - 1, idsAfter.Count);
        Assert.Empty(idsAfter.Except(idsBefore));

        var maxItems = await db.FeatureStates.SingleAsync(s => s.Feature!.Name == "max_items" && s.SegmentId == null && s.IdentityId == null, Cancellation);
        Assert.Equal(FlagValue.FromInteger(30), maxItems.Value);
        Assert.Equal(_clock.Now, maxItems.UpdatedAt);
        var weight = await db.MultivariateWeights.SingleAsync(w => w.ExternalId == 3404, Cancellation);
        Assert.Equal(25.0, weight.Percentage);
        var powerUsers = await db.Segments.SingleAsync(s => s.Name == "power_users", Cancellation);
        Assert.Equal("200", powerUsers.Rules[0].Conditions[0].Value);
        Assert.False(await db.FeatureStates.AnyAsync(s => s.SegmentId == powerUsers.Id && s.Feature!.Name == "welcome_banner", Cancellation));
        Assert.Equal(FlagValue.FromInteger(2), (await db.Traits.SingleAsync(t => t.Key == "tier", Cancellation)).Value);
        Assert.False(await db.Traits.AnyAsync(t => t.Key == "plan", Cancellation), "A null trait value removes the trait.");
        Assert.Equal(7, second.Counts.Traits);
        var environment = await db.Environments.Include(e => e.ServerSideKeys).SingleAsync(Cancellation);
        Assert.Equal(_clock.Now, environment.DocumentUpdatedAt);
        Assert.Equal(first.ServerSideKey, Assert.Single(environment.ServerSideKeys).Key);
    }

    [Fact]
    public async Task ANewFeatureGetsADefaultStateInEveryEnvironmentOfTheProject()
    {
        await ImportAsync(SampleDocuments.Tree());
        _clock.Advance(TimeSpan.FromMinutes(5));

        // Production has no dark_mode and one feature Development lacks.
        var production = SampleDocuments.Tree();
        production["api_key"] = "Pr0dUct10nK3yAbCdEfGh1";
        production["name"] = "Production";
        production["feature_states"]!.AsArray().RemoveAt(4);
        production["project"]!["segments"]![2]!["feature_states"]!.AsArray().Clear();
        production["identity_overrides"]![0]!["identity_features"]!.AsArray().RemoveAt(0);
        production["feature_states"]!.AsArray().Add(new JsonObject
        {
            ["django_id"] = 99001,
            ["featurestate_uuid"] = "f0000000-0000-4000-8000-000000099001",
            ["feature"] = new JsonObject { ["id"] = 16000, ["name"] = "new_search", ["type"] = "STANDARD" },
            ["enabled"] = true,
            ["feature_state_value"] = "v2",
            ["feature_segment"] = null,
            ["multivariate_feature_state_values"] = new JsonArray(),
        });
        var result = await ImportAsync(production);

        Assert.True(result.EnvironmentCreated);
        await using var db = _database.CreateDbContext();
        var environments = await db.Environments.ToListAsync(Cancellation);
        var features = await db.Features.ToListAsync(Cancellation);
        Assert.Equal(2, environments.Count);
        Assert.Equal(10, features.Count);
        var defaults = await db.FeatureStates.Where(s => s.SegmentId == null && s.IdentityId == null).ToListAsync(Cancellation);
        foreach (var environment in environments)
        {
            foreach (var feature in features)
            {
                Assert.Single(defaults, s => s.EnvironmentId == environment.Id && s.FeatureId == feature.Id);
            }
        }

        var development = environments.Single(e => e.Name == "Development");
        var newSearch = features.Single(f => f.Name == "new_search");
        var newSearchInDevelopment = defaults.Single(s => s.EnvironmentId == development.Id && s.FeatureId == newSearch.Id);
        Assert.True(newSearchInDevelopment.Enabled);
        Assert.Equal(FlagValue.FromString("v2"), newSearchInDevelopment.Value);
        Assert.NotEqual("99001", newSearchInDevelopment.HashKey);
        Assert.Equal(_clock.Now, development.DocumentUpdatedAt);

        var darkMode = features.Single(f => f.Name == "dark_mode");
        var darkModeInProduction = defaults.Single(s => s.EnvironmentId == result.EnvironmentId && s.FeatureId == darkMode.Id);
        Assert.False(darkModeInProduction.Enabled);
        Assert.Equal(FlagValue.FromBool(true), darkModeInProduction.Value);

        // Shared by both environments: one segment per name, one option per Flagsmith id.
        Assert.Equal(4, await db.Segments.CountAsync(Cancellation));
        Assert.Equal(6, await db.MultivariateOptions.CountAsync(Cancellation));
    }

    [Fact]
    public async Task VariantsWithoutIdsComeAfterEveryIdInTheOrderOfTheirUuids()
    {
        // Flagsmith leaves ids out on some identity overrides; the SDKs then order variants by uuid.
        var document = SampleDocuments.Tree();
        document["identity_overrides"]![2]!["identity_features"]![0]!["multivariate_feature_state_values"] = new JsonArray(
            new JsonObject
            {
                ["mv_fs_value_uuid"] = "ffffffff-0000-4000-8000-000000000001",
                ["percentage_allocation"] = 40.0,
                ["multivariate_feature_option"] = new JsonObject { ["value"] = "one_page" },
            },
            new JsonObject
            {
                ["mv_fs_value_uuid"] = "00000000-0000-4000-8000-000000000002",
                ["percentage_allocation"] = 60.0,
                ["multivariate_feature_option"] = new JsonObject { ["id"] = 2002, ["value"] = 3 },
            });

        var first = await ImportAsync(document);
        var second = await ImportAsync(document);

        Assert.Equal(6, first.Counts.MultivariateOptions);
        Assert.Equal(0, second.Changes);
        await using var db = _database.CreateDbContext();
        var weights = await db.MultivariateWeights.Include(w => w.Option)
            .Where(w => w.FeatureState!.Identity!.Identifier == "bob")
            .OrderBy(w => w.ExternalId)
            .ToListAsync(Cancellation);
        Assert.Equal([(3422L, 2002L, 60.0), (3423L, 2001L, 40.0)], weights.Select(w => (w.ExternalId, w.Option!.ExternalId, w.Percentage)));
        Assert.Equal(6, await db.MultivariateOptions.CountAsync(Cancellation));
    }

    [Fact]
    public async Task AnEnvironmentWhoseServerSideKeysAreAllRevokedGetsANewOne()
    {
        var first = await ImportAsync(SampleDocuments.Tree());
        await using (var db = _database.CreateDbContext())
        {
            var key = await db.ServerSideKeys.SingleAsync(Cancellation);
            key.RevokedAt = _clock.Now;
            await db.SaveChangesAsync(Cancellation);
        }

        var second = await ImportAsync(SampleDocuments.Tree());

        Assert.NotEqual(first.ServerSideKey, second.ServerSideKey);
        Assert.StartsWith("ser.", second.ServerSideKey, StringComparison.Ordinal);
        await using var check = _database.CreateDbContext();
        Assert.Equal(2, await check.ServerSideKeys.CountAsync(Cancellation));
    }

    [Fact]
    public async Task TheNameGivenForANewEnvironmentWinsOverTheDocuments()
    {
        var result = await ImportAsync(SampleDocuments.Tree(), environmentName: "Staging");

        Assert.Equal("Staging", result.EnvironmentName);
    }

    [Fact]
    public async Task ANewEnvironmentWhoseNameIsTakenInTheProjectIsRefusedAndNothingIsWritten()
    {
        await ImportAsync(SampleDocuments.Tree());
        var before = await DatabaseSnapshot.TakeAsync(_database);
        var other = SampleDocuments.Tree();
        other["api_key"] = "An0th3rK3yAbCdEfGhIjKl";

        var error = await Assert.ThrowsAsync<EnvironmentDocumentException>(() => ImportAsync(other));

        Assert.Equal("$.name", error.Path);
        Assert.Contains("Development", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(_database));
    }

    [Fact]
    public async Task AnApiKeyUnderAnotherProjectIsRefusedAndNothingIsWritten()
    {
        await ImportAsync(SampleDocuments.Tree());
        var before = await DatabaseSnapshot.TakeAsync(_database);

        var error = await Assert.ThrowsAsync<EnvironmentDocumentException>(() =>
            _importer.ImportAsync(Organisation, "Another project", null, SampleDocuments.Stream(SampleDocuments.Tree()), Actor, Cancellation));

        Assert.Equal("$.api_key", error.Path);
        Assert.StartsWith("$.api_key: ", error.Message, StringComparison.Ordinal);
        // Client keys are public: the message names the project asked for, never the one that owns the key.
        Assert.Contains("Another project", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Storefront", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(_database));
    }

    public static TheoryData<string, string, string> BadDocuments => new()
    {
        {
            "wrong type deep in a segment",
            "$.project.segments[2].rules[0].rules[0].rules[0].conditions[1].property_",
            "expected a string, found a number"
        },
        { "unknown operator", "$.project.segments[1].rules[1].rules[1].conditions[0].operator", "unknown operator \"EQUALS\"" },
        { "weights over 100", "$.feature_states[7].multivariate_feature_state_values", "add up to 110.5, more than 100" },
        { "invalid JSON", "$", "invalid JSON" },
        { "override of a feature the document lacks", "$.identity_overrides[1].identity_features[0].feature.name", "feature \"nowhere\" has no state in $.feature_states" },
        { "value that is an object", "$.identity_overrides[0].identity_traits[2].trait_value", "Expected a string, number, boolean or null, found object." },
        { "enabled as a string", "$.project.segments[0].feature_states[1].enabled", "expected a boolean, found a string" },
        { "server-side key as api_key", "$.api_key", "a client key cannot start with \"ser.\"" },
    };

    [Theory]
    [MemberData(nameof(BadDocuments))]
    public async Task ABadDocumentIsRefusedNamingTheJsonPathAndNothingIsWritten(string fault, string path, string message)
    {
        await ImportAsync(SampleDocuments.Tree());
        var before = await DatabaseSnapshot.TakeAsync(_database);
        _clock.Advance(TimeSpan.FromMinutes(5));

        // Every bad document also changes a good value, which must not be written either.
        var document = SampleDocuments.Tree();
        document["feature_states"]![1]!["feature_state_value"] = 999;
        switch (fault)
        {
            case "wrong type deep in a segment":
                document["project"]!["segments"]![2]!["rules"]![0]!["rules"]![0]!["rules"]![0]!["conditions"]![1]!["property_"] = 42;
                break;
            case "unknown operator":
                document["project"]!["segments"]![1]!["rules"]![1]!["rules"]![1]!["conditions"]![0]!["operator"] = "EQUALS";
                break;
            case "weights over 100":
                document["feature_states"]![7]!["multivariate_feature_state_values"]![0]!["percentage_allocation"] = 80.0;
                break;
            case "override of a feature the document lacks":
                document["identity_overrides"]![1]!["identity_features"]![0]!["feature"]!["name"] = "nowhere";
                break;
            case "value that is an object":
                document["identity_overrides"]![0]!["identity_traits"]![2]!["trait_value"] = new JsonObject { ["nested"] = 1 };
                break;
            case "enabled as a string":
                document["project"]!["segments"]![0]!["feature_states"]![1]!["enabled"] = "yes";
                break;
            case "server-side key as api_key":
                document["api_key"] = "ser.B62qaMZNwfiqT76P38ZKiT";
                break;
        }

        var text = fault == "invalid JSON" ? document.ToJsonString()[..^40] : document.ToJsonString();
        var error = await Assert.ThrowsAsync<EnvironmentDocumentException>(() =>
            _importer.ImportAsync(Organisation, Project, null, SampleDocuments.Stream(text), Actor, Cancellation));

        Assert.Equal(path, error.Path);
        Assert.StartsWith($"{path}: ", error.Message, StringComparison.Ordinal);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await DatabaseSnapshot.TakeAsync(_database));
    }

    public static TheoryData<string, string, string> BadTexts => new()
    {
        // The value is written into the document's bytes as given, so it can be what no JSON writer would write.
        { "$.name", "\"\xC3\x28\"", "invalid UTF-8 or a lone UTF-16 surrogate" },
        { "$.identity_overrides[0].identity_traits[0].trait_value", "\"\\ud800\"", "invalid UTF-8 or a lone UTF-16 surrogate" },
        { "$.project.segments[0].name", "\"beta\\udc00\"", "invalid UTF-8 or a lone UTF-16 surrogate" },
        { "$.feature_states[1].feature_state_value", "1e400", "outside the range of a double" },
        { "$.feature_states[2].feature_state_value", "-1E+400", "outside the range of a double" },
        { "$.project.segments[0].name", "\"beta\\u0000users\"", "NUL character" },
        { "$.identity_overrides[0].identity_traits[0].trait_value", "\"a\\u0000\"", "NUL character" },
    };

    [Theory]
    [MemberData(nameof(BadTexts))]
    public async Task TextThatIsNotUnicodeOrANumberTooLargeIsRefusedNamingThePath(string path, string rawValue, string message)
    {
        const string Marker = "\"marker-of-the-bad-value\"";
        var document = SampleDocuments.Tree();
        var node = path switch
        {
            "$.name" => document,
            "$.identity_overrides[0].identity_traits[0].trait_value" => document["identity_overrides"]![0]!["identity_traits"]![0]!,
            "$.project.segments[0].name" => document["project"]!["segments"]![0]!,
            _ => document["feature_states"]![path == "$.feature_states[1].feature_state_value" ? 1 : 2]!,
        };
        node[path[(path.LastIndexOf('.') + 1)..]] = "marker-of-the-bad-value";
        var text = document.ToJsonString();
        var at = text.IndexOf(Marker, StringComparison.Ordinal);
        byte[] bytes = [.. System.Text.Encoding.UTF8.GetBytes(text[..at]), .. System.Text.Encoding.Latin1.GetBytes(rawValue), .. System.Text.Encoding.UTF8.GetBytes(text[(at + Marker.Length)..])];

        var error = await Assert.ThrowsAsync<EnvironmentDocumentException>(() =>
            _importer.ImportAsync(Organisation, Project, null, new MemoryStream(bytes), Actor, Cancellation));

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        await using var db = _database.CreateDbContext();
        Assert.False(await db.Organisations.AnyAsync(Cancellation));
    }

    [Fact]
    public async Task EveryFaultOfADocumentIsReportedWithItsPath()
    {
        var document = SampleDocuments.Tree();
        document["feature_states"]![0]!["enabled"] = null;
        document["project"]!["segments"]![0]!["rules"]![0]!["rules"]![1]!["type"] = "SOME";
        document["project"]!["segments"]![3]!["name"] = "beta_users";

        var error = await Assert.ThrowsAsync<EnvironmentDocumentException>(() => ImportAsync(document));

        Assert.Equal(
            [
                "$.feature_states[0].enabled: required",
                "$.project.segments[0].rules[0].rules[1].type: unknown rule type \"SOME\" (expected ALL, ANY or NONE)",
                "$.project.segments[3].name: segment \"beta_users\" is already defined at $.project.segments[0]",
            ],
            error.Errors.Select(e => e.ToString()));
        await using var db = _database.CreateDbContext();
        Assert.False(await db.Organisations.AnyAsync(Cancellation));
    }

    [Fact]
    public async Task AnEmptyOrganisationNameIsRefused()
    {
        var error = await Assert.ThrowsAsync<ValidationException>(() =>
            _importer.ImportAsync(" ", Project, null, SampleDocuments.Stream(SampleDocuments.Tree()), Actor, Cancellation));

        Assert.Contains("organisationName", error.Errors.Keys);
    }

    private Task<ImportResult> ImportAsync(JsonNode document, string? environmentName = null) =>
        _importer.ImportAsync(Organisation, Project, environmentName, SampleDocuments.Stream(document), Actor, Cancellation);

    private async Task<List<int>> StateIdsAsync()
    {
        await using var db = _database.CreateDbContext();
        return await db.FeatureStates.OrderBy(s => s.Id).Select(s => s.Id).ToListAsync(Cancellation);
    }
}
