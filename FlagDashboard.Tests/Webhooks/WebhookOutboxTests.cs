using FlagDashboard.Core;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Tests.Webhooks;

/// <summary>The outbox against a real SQLite file: deliveries are written with the change or not at all, and retried with backoff.</summary>
public sealed class WebhookOutboxTests : IAsyncLifetime
{
    private CoreServices _core = null!;
    private OutboxDatabase _database = null!;
    private readonly WebhookOptions _options = new() { AllowPrivateAddresses = true, MaxAttempts = 3, FirstRetryDelay = TimeSpan.FromSeconds(10) };

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _core = await CoreServices.CreateAsync("alice");
        _database = new OutboxDatabase(_core.Database);
    }

    public async ValueTask DisposeAsync() => await _core.DisposeAsync();

    [Fact]
    public async Task AFlagChangeWritesOneDeliveryPerEnabledWebhookOfItsEnvironment()
    {
        var (features, webhooks, stateId, environmentId) = await SeedAsync();
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/a", Secret: "one"), Token);
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/b", Enabled: false), Token);

        await features.UpdateStateAsync(stateId, true, FlagValue.FromString("on"), 0, Token);

        var deliveries = (await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).Items;
        var delivery = Assert.Single(deliveries);
        Assert.Equal("http://127.0.0.1:1/a", delivery.Url);
        Assert.Equal(WebhookEvents.FlagUpdated, delivery.EventType);
        Assert.Equal(WebhookDeliveryStatus.Pending, delivery.Status);
    }

    [Fact]
    public async Task AFeatureCreatedOrDeletedIsAnEventInEveryEnvironmentOfItsProject()
    {
        var seeded = await _core.SeedProjectAsync("Development", "Production");
        var actors = new FixedActor("alice");
        var features = new FeatureService(_database, actors, CoreServices.AccessFor(_database, actors), _core.Clock);
        var webhooks = new WebhookService(_database, actors, CoreServices.AccessFor(_database, actors), _core.Clock, Options.Create(_options));
        foreach (var environmentId in seeded.EnvironmentIds)
        {
            await webhooks.CreateAsync(environmentId, new WebhookInput($"http://127.0.0.1:1/{environmentId}"), Token);
        }

        var feature = await features.CreateAsync(seeded.ProjectId, new FeatureInput("launch", DefaultEnabled: true), Token);
        await features.DeleteAsync(feature.Id, Token);

        foreach (var environmentId in seeded.EnvironmentIds)
        {
            var events = (await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).Items.Select(d => d.EventType).ToList();
            Assert.Equal([WebhookEvents.FlagDeleted, WebhookEvents.FlagUpdated], events);
        }
    }

    [Fact]
    public async Task TheEventIsWhatTheChangeDeclaresNotWhatItsAuditTextSays()
    {
        var (_, webhooks, stateId, environmentId) = await SeedAsync();
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/a"), Token);
        var scope = new AuditScope(null, null, environmentId);

        await using (var db = _database.CreateDbContext())
        {
            // Named like a flag change but declaring no event: nothing is sent.
            AuditTrail.Record(db, "alice", _core.Clock, new AuditChange(AuditAction.Updated, "FeatureState", stateId, "looks like a flag", scope)
            {
                After = new { Enabled = true },
            });
            await db.SaveChangesAsync(Token);
        }

        Assert.Equal(0, (await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).TotalCount);

        await using (var db = _database.CreateDbContext())
        {
            AuditTrail.Record(db, "alice", _core.Clock, new AuditChange(AuditAction.Updated, "Renamed", stateId, "declared", scope)
            {
                After = new { Enabled = true },
                WebhookEvent = WebhookEventKind.FlagChanged,
            });
            await db.SaveChangesAsync(Token);
        }

        var delivery = Assert.Single((await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).Items);
        Assert.Equal(WebhookEvents.FlagUpdated, delivery.EventType);
    }

    [Fact]
    public async Task AChangeThatFailsWritesNoDelivery()
    {
        var (features, webhooks, stateId, environmentId) = await SeedAsync();
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/a"), Token);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => features.UpdateStateAsync(stateId, true, FlagValue.None, expectedVersion: 7, Token));

        Assert.Equal(0, (await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).TotalCount);
    }

    [Fact]
    public async Task AFailedAttemptWaitsLongerEachTimeAndIsGivenUpAfterTheLastAttempt()
    {
        var (features, webhooks, stateId, environmentId) = await SeedAsync();
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/a"), Token);
        await features.UpdateStateAsync(stateId, true, FlagValue.None, 0, Token);
        var due = Assert.Single(await ClaimAsync(webhooks));

        await webhooks.RecordAttemptAsync(due.Id, delivered: false, 503, "The receiver answered 503.", Token);
        Assert.Empty(await ClaimAsync(webhooks));
        _core.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Single(await ClaimAsync(webhooks));
        await webhooks.RecordAttemptAsync(due.Id, delivered: false, null, "Connection refused.", Token);
        _core.Clock.Advance(TimeSpan.FromSeconds(10));
        Assert.Empty(await ClaimAsync(webhooks));
        _core.Clock.Advance(TimeSpan.FromSeconds(10));
        await webhooks.RecordAttemptAsync(Assert.Single(await ClaimAsync(webhooks)).Id, delivered: false, null, "Connection refused.", Token);

        var delivery = Assert.Single((await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).Items);
        Assert.Equal(WebhookDeliveryStatus.Failed, delivery.Status);
        Assert.Equal(3, delivery.Attempts);
        Assert.Equal("Connection refused.", delivery.LastError);
        Assert.Empty(await ClaimAsync(webhooks));
    }

    [Fact]
    public async Task AClaimedDeliveryIsNotTakenAgainUntilItsLeaseEnds()
    {
        var (features, webhooks, stateId, environmentId) = await SeedAsync();
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/a"), Token);
        await features.UpdateStateAsync(stateId, true, FlagValue.None, 0, Token);

        var first = await ClaimAsync(webhooks);
        var second = await ClaimAsync(webhooks);
        _core.Clock.Advance(TimeSpan.FromMinutes(1));
        var afterTheLease = await ClaimAsync(webhooks);

        Assert.Single(first);
        Assert.Empty(second);
        Assert.Equal(first[0].Id, Assert.Single(afterTheLease).Id);
    }

    [Fact]
    public async Task FinishedDeliveriesArePrunedAndPendingOnesKept()
    {
        var (features, webhooks, stateId, environmentId) = await SeedAsync();
        await webhooks.CreateAsync(environmentId, new WebhookInput("http://127.0.0.1:1/a"), Token);
        var state = await features.UpdateStateAsync(stateId, true, FlagValue.None, 0, Token);
        await features.UpdateStateAsync(stateId, false, FlagValue.None, state.Version, Token);
        var claimed = await ClaimAsync(webhooks);
        await webhooks.RecordAttemptAsync(claimed[0].Id, delivered: true, 200, null, Token);
        _core.Clock.Advance(TimeSpan.FromDays(8));

        var pruned = await webhooks.PruneDeliveriesAsync(_core.Clock.GetUtcNow() - TimeSpan.FromDays(7), Token);

        Assert.Equal(1, pruned);
        Assert.Equal(WebhookDeliveryStatus.Pending, Assert.Single((await webhooks.ListDeliveriesAsync(environmentId, null, 0, 10, Token)).Items).Status);
    }

    private static Task<IReadOnlyList<DueDelivery>> ClaimAsync(WebhookService webhooks) => webhooks.ClaimDueDeliveriesAsync(10, TimeSpan.FromSeconds(30), Token);

    [Fact]
    public async Task ThePayloadSignatureIsTheHexHmacSha256OfTheBody()
    {
        // Python: hmac.new(b"key", b"The quick brown fox jumps over the lazy dog", hashlib.sha256).hexdigest()
        var signature = WebhookEvents.Sign("key", "The quick brown fox jumps over the lazy dog"u8);

        Assert.Equal("f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8", signature);
    }

    private async Task<(FeatureService Features, WebhookService Webhooks, int StateId, int EnvironmentId)> SeedAsync()
    {
        var seeded = await _core.SeedProjectAsync("Production");
        var actors = new FixedActor("alice");
        var features = new FeatureService(_database, actors, CoreServices.AccessFor(_database, actors), _core.Clock);
        var webhooks = new WebhookService(_database, actors, CoreServices.AccessFor(_database, actors), _core.Clock, Options.Create(_options));
        var feature = await features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await _core.DefaultStateAsync(feature.Id, seeded.EnvironmentIds[0]);
        return (features, webhooks, state.Id, seeded.EnvironmentIds[0]);
    }

    /// <summary>The test database with the outbox interceptor, as the app registers it.</summary>
    private sealed class OutboxDatabase(TestDatabase database) : IDbContextFactory<FlagDashboardDbContext>
    {
        private readonly DbContextOptions<FlagDashboardDbContext> _options =
            new DbContextOptionsBuilder<FlagDashboardDbContext>()
                .UseFlagDashboardDatabase(new DatabaseOptions { Provider = database.Provider, ConnectionString = database.ConnectionString }).Options;

        public FlagDashboardDbContext CreateDbContext() => new(_options);
    }
}
