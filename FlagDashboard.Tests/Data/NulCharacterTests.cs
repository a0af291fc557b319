using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;
using static FlagDashboard.Tests.Infrastructure.CoreServices;

namespace FlagDashboard.Tests.Data;

/// <summary>
/// PostgreSQL refuses U+0000 in text and jsonb columns, which made every write with one a server error. Each
/// write is refused before the database, naming the field, on every provider (scripts/test.sh runs these on
/// PostgreSQL too), so that data that works on SQLite also moves to PostgreSQL.
/// </summary>
public sealed class NulCharacterTests
{
    private const string Nul = "a\0b";

    public static TheoryData<string> Writes =>
    [
        "organisation name", "organisation rename", "project name", "project settings name", "environment name", "environment clone name",
        "environment rename", "server-side key name", "admin API key name", "feature name", "feature description", "feature tag",
        "feature option", "feature initial value", "feature state value", "segment name", "segment description", "condition property",
        "condition value", "segment override value", "identity identifier", "trait key", "trait value", "identity override value",
    ];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task ANulCharacterIsRefusedNamingTheField(string write)
    {
        await using var core = await CoreServices.CreateAsync();
        var seeded = await core.SeedProjectAsync("Production");
        var environmentId = seeded.EnvironmentIds[0];
        var feature = await core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("checkout"), Token);
        var state = await core.DefaultStateAsync(feature.Id, environmentId);
        var segment = await core.Segments.CreateAsync(seeded.ProjectId, Segment("beta", "plan", "gold"), Token);
        var identity = await core.Identities.CreateAsync(environmentId, "user-1", Token);
        var organisation = await core.Organisations.GetAsync(seeded.OrganisationId, Token);
        var project = await core.Projects.GetAsync(seeded.ProjectId, Token);
        var environment = await core.EnvironmentRowAsync(environmentId);

        Func<Task> act = write switch
        {
            "organisation name" => () => core.Organisations.CreateAsync(Nul, Token),
            "organisation rename" => () => core.Organisations.RenameAsync(organisation.Id, Nul, organisation.Version, Token),
            "project name" => () => core.Projects.CreateAsync(seeded.OrganisationId, Nul, Token),
            "project settings name" => () => core.Projects.UpdateAsync(project.Id, new Core.Projects.ProjectSettings(Nul, false), project.Version, Token),
            "environment name" => () => core.Environments.CreateAsync(seeded.ProjectId, Nul, Token),
            "environment clone name" => () => core.Environments.CloneAsync(environmentId, Nul, Token),
            "environment rename" => () => core.Environments.RenameAsync(environmentId, Nul, environment.Version, Token),
            "server-side key name" => () => core.Environments.CreateServerSideKeyAsync(environmentId, Nul, Token),
            "admin API key name" => () => core.ApiKeys.CreateAsync(seeded.OrganisationId, Nul, cancellationToken: Token),
            "feature name" => () => core.Features.CreateAsync(seeded.ProjectId, new FeatureInput(Nul), Token),
            "feature description" => () => core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("other", Description: Nul), Token),
            "feature tag" => () => core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("other", Tags: [Nul]), Token),
            "feature option" => () => core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("other", Options: [new MultivariateOptionInput(null, FlagValue.FromString(Nul), 10)]), Token),
            "feature initial value" => () => core.Features.CreateAsync(seeded.ProjectId, new FeatureInput("other", InitialValue: FlagValue.FromString(Nul)), Token),
            "feature state value" => () => core.Features.UpdateStateAsync(state.Id, true, FlagValue.FromString(Nul), state.Version, Token),
            "segment name" => () => core.Segments.CreateAsync(seeded.ProjectId, Segment(Nul, "plan", "gold"), Token),
            "segment description" => () => core.Segments.CreateAsync(seeded.ProjectId, Segment("other", "plan", "gold") with { Description = Nul }, Token),
            "condition property" => () => core.Segments.CreateAsync(seeded.ProjectId, Segment("other", Nul, "gold"), Token),
            "condition value" => () => core.Segments.CreateAsync(seeded.ProjectId, Segment("other", "plan", Nul), Token),
            "segment override value" => () => core.Segments.CreateOverrideAsync(environmentId, feature.Id, segment.Id, true, FlagValue.FromString(Nul), Token),
            "identity identifier" => () => core.Identities.CreateAsync(environmentId, Nul, Token),
            "trait key" => () => core.Identities.SetTraitAsync(identity.Id, Nul, FlagValue.FromString("x"), Token),
            "trait value" => () => core.Identities.SetTraitAsync(identity.Id, "plan", FlagValue.FromString(Nul), Token),
            "identity override value" => () => core.Identities.SetOverrideAsync(identity.Id, feature.Id, true, FlagValue.FromString(Nul), Token),
            _ => throw new ArgumentOutOfRangeException(nameof(write)),
        };

        var error = await Assert.ThrowsAsync<ValidationException>(act);

        var field = Assert.Single(error.Errors.Keys);
        Assert.Equal(ExpectedField(write), field);
    }

    private static SegmentInput Segment(string name, string property, string value) =>
        new(name, null, [new SegmentRule { Conditions = [new Condition { Property = property, Operator = Operators.Equal, Value = value }] }]);

    private static string ExpectedField(string write) => write switch
    {
        "feature description" or "segment description" => "description",
        "feature tag" => "tags",
        "feature option" => "options",
        "feature initial value" => "initialValue",
        "condition property" => "rules[0].conditions[0].property",
        "condition value" => "rules[0].conditions[0].value",
        "feature state value" or "segment override value" or "trait value" or "identity override value" => "value",
        "identity identifier" => "identifier",
        "trait key" => "key",
        _ => "name",
    };
}
