namespace FlagDashboard.Core.Usage;

/// <summary>The windows counts are kept in; a chart reads the coarsest one its step is a whole number of.</summary>
public enum UsageWindow
{
    OneMinute,
    FifteenMinutes,
    OneHour,
    OneDay,
}

public enum UsageMetric
{
    ApiCalls,
    FlagEvaluations,
}

/// <summary>How a series is split: one line per resource, status class, environment, feature or project, or one line in all.</summary>
public enum UsageGrouping
{
    None,
    Resource,
    Status,
    Environment,
    Feature,
    Project,
}

/// <summary>
/// Counts of one minute, as the flusher hands them to a store: API calls by their tags, and evaluations
/// by feature. <see cref="Minute"/> is the start of the minute, in UTC.
/// </summary>
public sealed record UsageBatch(
    DateTimeOffset Minute,
    IReadOnlyDictionary<ApiCall, long> ApiCalls,
    IReadOnlyDictionary<EvaluationKey, long> Evaluations)
{
    /// <summary>
    /// Names the batch for good: kept when it is retried or spilled and replayed, so a store that records
    /// the batches it took (the embedded store's ledger) counts a batch handed in twice only once.
    /// </summary>
    public Guid Id { get; init; } = Guid.NewGuid();

    /// <summary>
    /// The point in time an external store wrote this batch at, set on its first write and kept when the
    /// batch is retried or spilled and replayed: a retry then overwrites what a failed-looking write may
    /// have stored, rather than adding it again.
    /// </summary>
    public long? Stamp { get; set; }

    /// <summary>
    /// The instance tag the batch was first written with, kept beside <see cref="Stamp"/>: a spilled batch
    /// replayed by another instance rewrites the same points instead of adding a second series.
    /// </summary>
    public string? Instance { get; set; }
}

/// <summary>
/// What a chart asks for. The organisation is always given (a key sees only its own); project,
/// environment and feature narrow it. <see cref="Window"/> is the bucket read, <see cref="Step"/> the
/// distance between points (a whole number of windows; the window's length when not set).
/// <see cref="From"/> and <see cref="To"/> are already widened to whole steps.
/// </summary>
public sealed record UsageQuery(
    UsageMetric Metric,
    int OrganisationId,
    int? ProjectId,
    int? EnvironmentId,
    int? FeatureId,
    DateTimeOffset From,
    DateTimeOffset To,
    UsageWindow Window,
    UsageGrouping Grouping)
{
    public TimeSpan Step { get; init; }

    /// <summary>The feature's name when <see cref="FeatureId"/> is set: InfluxDB data written before tags held ids is read under it too.</summary>
    public string? LegacyFeatureName { get; init; }

    public TimeSpan StepLength => Step > TimeSpan.Zero ? Step : Window.Length();
}

/// <summary>Counts summed over a whole range, one per key (see <see cref="UsageQuery"/>; its window, step and range are used as given).</summary>
public sealed record UsageTotal(string Key, long Count);

/// <summary>When a feature was last evaluated in an environment: the start of the finest window that still holds it.</summary>
public sealed record FeatureLastEvaluation(int FeatureId, int EnvironmentId, DateTimeOffset LastEvaluated);

public sealed record UsagePoint(DateTimeOffset Time, long Count);

/// <summary>One line of a chart: its key (a resource, a status class "2xx", an environment id, a feature id in a store and its name once read, or "total").</summary>
public sealed record UsageLine(string Key, IReadOnlyList<UsagePoint> Points)
{
    public long Total => Points.Sum(p => p.Count);
}

/// <summary>
/// Where usage counts live: InfluxDB 2 when configured, otherwise the app's own database. Writes add to
/// what is there (two flushes or two instances for the same minute add up, never overwrite); queries
/// sum, group and fill gaps with zeros in the store.
/// </summary>
public interface IUsageStore
{
    /// <summary>Creates what the store needs (tables are migrations; InfluxDB buckets and tasks), idempotently.</summary>
    Task InitializeAsync(CancellationToken cancellationToken);

    Task WriteAsync(IReadOnlyList<UsageBatch> batches, CancellationToken cancellationToken);

    /// <summary>How far back the store still holds <paramref name="window"/>'s counts.</summary>
    TimeSpan Retention(UsageWindow window);

    /// <summary>One line per group, one point per step start from <c>From</c> to <c>To</c> (gaps as zero), lines in descending total.</summary>
    Task<IReadOnlyList<UsageLine>> QueryAsync(UsageQuery query, CancellationToken cancellationToken);

    /// <summary>One sum per group over the whole range, summed by the store (largest first); groups with none are left out.</summary>
    Task<IReadOnlyList<UsageTotal>> TotalsAsync(UsageQuery query, CancellationToken cancellationToken);

    /// <summary>The last window each feature of the project was evaluated in, per environment (only those ever evaluated within retention).</summary>
    Task<IReadOnlyList<FeatureLastEvaluation>> LastEvaluationsAsync(int organisationId, int projectId, CancellationToken cancellationToken);
}
