namespace FlagDashboard.Core.Usage.Embedded;

/// <summary>API calls in one window, as the embedded store keeps them. Unknown ids are 0.</summary>
public sealed class ApiCallCount
{
    public UsageWindow Window { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int OrganisationId { get; set; }

    public int ProjectId { get; set; }

    public int EnvironmentId { get; set; }

    public required string Resource { get; set; }

    public int StatusClass { get; set; }

    public long Count { get; set; }
}

/// <summary>Evaluations of one feature in one environment in one window, as SDKs reported them.</summary>
public sealed class EvaluationCount
{
    public UsageWindow Window { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int OrganisationId { get; set; }

    public int ProjectId { get; set; }

    public int EnvironmentId { get; set; }

    public int FeatureId { get; set; }

    public long Count { get; set; }
}

/// <summary>
/// Evaluations of one feature in one window over all of its project's environments: the series the
/// "most evaluated flags" charts read, a third of the rows with three environments.
/// </summary>
public sealed class ProjectEvaluationCount
{
    public UsageWindow Window { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int OrganisationId { get; set; }

    public int ProjectId { get; set; }

    public int FeatureId { get; set; }

    public long Count { get; set; }
}

/// <summary>A batch the store has counted (the ledger): a batch handed in again is skipped, not counted twice.</summary>
public sealed class UsageBatchRecord
{
    public Guid Id { get; set; }

    public DateTimeOffset Minute { get; set; }

    public DateTimeOffset WrittenAt { get; set; }
}

/// <summary>A window of 15 minutes, 1 hour or 1 day with 1-minute counts not yet rolled up into it.</summary>
public sealed class UsageRollup
{
    public UsageWindow Window { get; set; }

    public DateTimeOffset WindowStart { get; set; }
}
