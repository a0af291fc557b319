using FlagDashboard.Core.Organisations;

namespace FlagDashboard.Core.Usage.Limits;

/// <summary>
/// A threshold of an organisation's allowance reached in one billing period. The unique index on
/// (organisation, period start, threshold) is what makes its alert go out once: the instance whose insert
/// wins sends it, in the same save; any other, or a later check, hits the index and sends nothing.
/// </summary>
public sealed class UsageAlert
{
    public long Id { get; set; }

    public int OrganisationId { get; set; }

    public Organisation? Organisation { get; set; }

    public DateTimeOffset PeriodStart { get; set; }

    /// <summary>Percent of the allowance: 75, 90, 100 or 120.</summary>
    public int Threshold { get; set; }

    /// <summary>The period's API calls when the threshold was found reached.</summary>
    public long Total { get; set; }

    public long Allowance { get; set; }

    public DateTimeOffset ReachedAt { get; set; }
}
