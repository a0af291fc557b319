namespace FlagDashboard.Core.Import;

/// <summary>
/// The outcome of an import. <see cref="ServerSideKey"/> is the environment's first active server-side key
/// (the command line prints it alone on its last line). <see cref="Changes"/> counts the rows added,
/// changed or removed: 0 when the same document is imported again.
/// </summary>
public sealed record ImportResult(
    int EnvironmentId,
    string EnvironmentName,
    string ClientKey,
    string ServerSideKey,
    bool EnvironmentCreated,
    int Changes,
    ImportCounts Counts);

/// <summary>What the imported document holds, counted as it now stands in the environment.</summary>
public sealed record ImportCounts(
    int Features,
    int MultivariateOptions,
    int Segments,
    int SegmentOverrides,
    int Identities,
    int Traits,
    int IdentityOverrides);
