using System.Text.Json.Nodes;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Sdk;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace FlagDashboard.Tests.UsageLimits;

public sealed class OverLimitTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void DefaultsOnlyApplyPastTheGracePeriodWhileTheCallsStillReachTheAllowance()
    {
        var reached = new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);
        const OverLimitBehaviour defaults = OverLimitBehaviour.ServeDefaultsOnly;

        Assert.False(OverLimit.ServesDefaultsOnly(defaults, 3, 1000, reached, 1200, reached.AddDays(3)));
        Assert.True(OverLimit.ServesDefaultsOnly(defaults, 3, 1000, reached, 1200, reached.AddDays(3).AddSeconds(1)));
        Assert.True(OverLimit.ServesDefaultsOnly(defaults, 0, 1000, reached, 1000, reached.AddSeconds(1)));
        Assert.False(OverLimit.ServesDefaultsOnly(defaults, 3, 2000, reached, 1200, reached.AddDays(4)));
        Assert.False(OverLimit.ServesDefaultsOnly(defaults, 3, null, reached, 1200, reached.AddDays(4)));
        Assert.False(OverLimit.ServesDefaultsOnly(defaults, 3, 1000, null, 1200, reached.AddDays(4)));
        Assert.False(OverLimit.ServesDefaultsOnly(OverLimitBehaviour.KeepServing, 3, 1000, reached, 1200, reached.AddDays(4)));
    }

    [Fact]
    public async Task SdkAnswersAreTheFeaturesDefaultsOnlyPastTheGracePeriodAndLiveAgainWhenTheAllowanceIsRaised()
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout", DefaultEnabled: false, InitialValue: FlagValue.FromString("classic")), Token);
        var state = await core.DefaultStateAsync(feature.Id, environmentId);
        await core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString("new"), state.Version, Token);
        var beta = await core.Segments.CreateAsync(seeded.ProjectId, new Core.Segments.SegmentInput("beta", null, []), Token);
        await core.Segments.CreateOverrideAsync(environmentId, feature.Id, beta.Id, true, FlagValue.FromString("beta"), Token);
        var ana = new SdkIdentity(null, "ana", [], [new Core.Engine.FeatureContext("ana-checkout", "checkout", true, Core.Engine.EngineValue.FromString("mine"))]);
        var store = UsageAlertCheckerTests.Store(core.Database, core.Clock);
        var checker = new UsageAlertChecker(core.Database, store, core.Clock);
        var allowances = UsageAlertCheckerTests.Allowances(core.Database, new FixedActor("tester"), core.Access, core.Clock);
        var set = await allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(1000, 1, OverLimitBehaviour.ServeDefaultsOnly, 3), (await allowances.GetAsync(seeded.OrganisationId, Token)).Version, Token);
        Assert.Equal((OverLimitBehaviour.ServeDefaultsOnly, 3), (set.OverLimitBehaviour, set.OverLimitGraceDays));
        var sdk = new SdkEnvironmentStore(core.Database, new EnvironmentDocumentExporter(core.Database), NullLogger<SdkEnvironmentStore>.Instance, NullLoggerFactory.Instance);
        Assert.Equal((true, "new"), Checkout(await sdk.GetAsync(environmentId)));
        core.Clock.Advance(TimeSpan.FromSeconds(30));

        await UsageAlertCheckerTests.RecordCallsAsync(store, core.Clock, seeded, 1100);
        Assert.Contains(await checker.CheckAsync(Token), r => r.Threshold == 100);
        core.Clock.Advance(TimeSpan.FromDays(3));
        await store.RollUpAsync(Token);
        await checker.CheckAsync(Token);
        await sdk.RefreshAsync(Token);
        var withinGrace = await sdk.GetAsync(environmentId);
        var withinGraceDocument = JsonNode.Parse((await sdk.GetDocumentAsync(withinGrace!))!.Json)!;

        core.Clock.Advance(TimeSpan.FromMinutes(1));
        await checker.CheckAsync(Token);
        await sdk.RefreshAsync(Token);
        var pastGrace = await sdk.GetAsync(environmentId);
        var pastGraceDocument = JsonNode.Parse((await sdk.GetDocumentAsync(pastGrace!))!.Json)!;

        core.Clock.Advance(TimeSpan.FromMinutes(1));
        var raised = await allowances.SetAsync(seeded.OrganisationId, new UsageAllowanceInput(5000, 1), (await allowances.GetAsync(seeded.OrganisationId, Token)).Version, Token);
        await sdk.RefreshAsync(Token);
        var afterRaise = await sdk.GetAsync(environmentId);

        Assert.Equal((true, "new"), Checkout(withinGrace));
        Assert.Equal((true, "mine"), IdentityCheckout(withinGrace, ana));
        Assert.Single(withinGraceDocument["project"]!["segments"]![0]!["feature_states"]!.AsArray());
        Assert.False(withinGrace!.Data.ServesDefaultsOnly);
        Assert.True(pastGrace!.Data.ServesDefaultsOnly);
        Assert.Equal((false, "classic"), Checkout(pastGrace));
        Assert.Equal((false, "classic"), IdentityCheckout(pastGrace, ana));
        Assert.Empty(pastGraceDocument["project"]!["segments"]![0]!["feature_states"]!.AsArray());
        var documentState = Assert.Single(pastGraceDocument["feature_states"]!.AsArray())!;
        Assert.Equal((false, "classic"), (documentState["enabled"]!.GetValue<bool>(), documentState["feature_state_value"]!.GetValue<string>()));
        Assert.Null(raised.ServingDefaultsSince);
        Assert.Equal(OverLimitBehaviour.ServeDefaultsOnly, raised.OverLimitBehaviour);
        Assert.False(afterRaise!.Data.ServesDefaultsOnly);
        Assert.Equal((true, "new"), Checkout(afterRaise));
        Assert.Equal((true, "mine"), IdentityCheckout(afterRaise, ana));
        var audit = (await core.AuditEntriesAsync()).Where(e => e.Actor == UsageAlertChecker.Actor && e.EntityType == "Organisation").ToList();
        Assert.Equal(2, audit.Count);
        Assert.Contains("\"servingDefaultsOnly\":true", audit[0].After, StringComparison.Ordinal);
        Assert.Contains("\"servingDefaultsOnly\":false", audit[1].After, StringComparison.Ordinal);
    }

    private static (bool Enabled, string Value) IdentityCheckout(SdkEnvironment? environment, SdkIdentity identity)
    {
        var answer = new System.Buffers.ArrayBufferWriter<byte>();
        environment!.WriteIdentityAnswer(answer, identity);
        var flag = Assert.Single(JsonNode.Parse(answer.WrittenSpan)!["flags"]!.AsArray())!;
        return (flag["enabled"]!.GetValue<bool>(), flag["feature_state_value"]!.GetValue<string>());
    }

    private static (bool Enabled, string Value) Checkout(SdkEnvironment? environment)
    {
        var flag = Assert.Single(JsonNode.Parse(environment!.FlagsJson)!.AsArray())!;
        return (flag["enabled"]!.GetValue<bool>(), flag["feature_state_value"]!.GetValue<string>());
    }
}
