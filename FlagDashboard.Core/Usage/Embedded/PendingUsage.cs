namespace FlagDashboard.Core.Usage.Embedded;

/// <summary>
/// Counts that could not reach the usage store and outgrew the memory bound: one minute's batch as JSON,
/// kept in the app's database until the store is back, then replayed and deleted.
/// </summary>
public sealed class PendingUsage
{
    public long Id { get; set; }

    public DateTimeOffset Minute { get; set; }

    public required string Batch { get; set; }
}
