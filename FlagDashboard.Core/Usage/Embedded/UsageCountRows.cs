namespace FlagDashboard.Core.Usage.Embedded;

/// <summary>API calls in one window, as the embedded store keeps them. Unknown ids are 0.</summary>
public sealed class ApiCallCount
{
    public long Id { get; set; }

    public UsageWindow Window { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int OrganisationId { get; set; }

    public int ProjectId { get; set; }

    public int EnvironmentId { get; set; }

    public required string Resource { get; set; }

    public int StatusClass { get; set; }

    public long Count { get; set; }
}

/// <summary>Evaluations of one feature in one window, as SDKs reported them.</summary>
public sealed class EvaluationCount
{
    public long Id { get; set; }

    public UsageWindow Window { get; set; }

    public DateTimeOffset WindowStart { get; set; }

    public int OrganisationId { get; set; }

    public int ProjectId { get; set; }

    public int EnvironmentId { get; set; }

    public required string Feature { get; set; }

    public long Count { get; set; }
}
