using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace FlagDashboard.Core.Usage.InfluxDb;

/// <summary>
/// Where usage counts go when <c>Usage:Store</c> is <c>InfluxDB</c>: the server, and the buckets and tasks
/// the store creates there. Bind with <c>BindConfiguration(SectionName).ValidateDataAnnotations().ValidateOnStart()</c>
/// and register <see cref="InfluxUsageOptionsValidator"/> for the checks across settings.
/// </summary>
public sealed class InfluxUsageOptions
{
    public const string SectionName = "Usage:InfluxDB";

    /// <summary>The server's base address, for example <c>http://localhost:8086</c>.</summary>
    [Required]
    public string Url { get; set; } = "";

    /// <summary>An API token allowed to read and write the buckets, and to create buckets and tasks.</summary>
    [Required]
    public string Token { get; set; } = "";

    /// <summary>The InfluxDB organisation (its name) that owns the buckets and tasks.</summary>
    [Required]
    public string Organisation { get; set; } = "";

    /// <summary>Buckets are <c>{prefix}_raw</c>, <c>{prefix}_1m</c>, <c>{prefix}_15m</c>, <c>{prefix}_1h</c>; tasks are named after them.</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,60}$", ErrorMessage = "Usage:InfluxDB:BucketPrefix may hold only letters, digits, '_' and '-' (at most 60).")]
    public string BucketPrefix { get; set; } = "flagdashboard";

    public TimeSpan RawRetention { get; set; } = TimeSpan.FromDays(1);

    public TimeSpan OneMinuteRetention { get; set; } = TimeSpan.FromDays(7);

    public TimeSpan FifteenMinutesRetention { get; set; } = TimeSpan.FromDays(90);

    public TimeSpan OneHourRetention { get; set; } = TimeSpan.FromDays(730);

    /// <summary>
    /// Written as the <c>instance</c> tag of every raw point, so that two app instances counting the same
    /// minute write two series that add up, never one point that the other overwrites. Must differ per instance.
    /// When not set, a name kept in the data directory (see <see cref="InfluxInstanceDefault"/>).
    /// </summary>
    [Required]
    public string Instance { get; set; } = "";

    /// <summary>
    /// How much of the past the raw-to-1-minute task re-reads on every run (rounded up to whole minutes).
    /// Kept short: points later than that (a retried flush, replayed spilled counts) are rolled up by the
    /// app itself when it writes them.
    /// </summary>
    public TimeSpan LatePointTolerance { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How long after its scheduled time the raw-to-1-minute task runs: longer than the app's flush interval,
    /// so a minute's last flush is in before the minute is summed. The coarser tasks run later still, each
    /// after the finer runs it reads.
    /// </summary>
    public TimeSpan TaskOffset { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>The time allowed for one HTTP call to the server.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    internal string BucketName(string suffix) => $"{BucketPrefix}_{suffix}";
}

/// <summary>The checks that data annotations cannot express: an http(s) address, and retentions the tasks can work with.</summary>
public sealed class InfluxUsageOptionsValidator : IValidateOptions<InfluxUsageOptions>
{
    private static readonly TimeSpan MinimumRetention = TimeSpan.FromHours(1);

    public ValidateOptionsResult Validate(string? name, InfluxUsageOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            failures.Add($"Usage:InfluxDB:Url must be an absolute http:// or https:// address (got '{options.Url}').");
        }

        if (string.IsNullOrWhiteSpace(options.Instance))
        {
            failures.Add("Usage:InfluxDB:Instance must name this app instance (default: a name kept in the data directory).");
        }

        if (options.LatePointTolerance <= TimeSpan.Zero)
        {
            failures.Add($"Usage:InfluxDB:LatePointTolerance must be positive (got {options.LatePointTolerance}).");
        }

        if (options.TaskOffset <= TimeSpan.Zero || options.TaskOffset >= TimeSpan.FromMinutes(1) || options.TaskOffset.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"Usage:InfluxDB:TaskOffset must be whole seconds between 1 s and 59 s, and longer than Usage:FlushInterval (got {options.TaskOffset}).");
        }

        if (options.Timeout <= TimeSpan.Zero)
        {
            failures.Add($"Usage:InfluxDB:Timeout must be positive (got {options.Timeout}).");
        }

        if (failures.Count == 0)
        {
            foreach (var tier in InfluxDownsampling.Tiers(options))
            {
                CheckRetention(failures, tier.SourceRetentionSetting, tier.SourceRetention, tier.Lookback);
            }

            CheckRetention(failures, nameof(InfluxUsageOptions.OneHourRetention), options.OneHourRetention, TimeSpan.Zero);
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void CheckRetention(List<string> failures, string setting, TimeSpan retention, TimeSpan lookback)
    {
        if (retention < MinimumRetention || retention.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            failures.Add($"Usage:InfluxDB:{setting} must be whole seconds and at least 1 hour, InfluxDB's shortest retention (got {retention}).");
        }
        else if (retention <= lookback)
        {
            failures.Add($"Usage:InfluxDB:{setting} ({retention}) must be longer than the {lookback} its downsampling task reads back on each run (see LatePointTolerance).");
        }
    }
}

/// <summary>A downsampling task's state as last seen: its last run's status (<c>success</c>, <c>failed</c>, …) and time, and the failed runs whose windows the app recomputed.</summary>
public sealed record UsageTaskHealth(string Task, string LastRun, DateTimeOffset? LastRunScheduledFor, int FailedRunsReconciled)
{
    public const string Missing = "missing";
    public const string NoRuns = "none";

    public bool Healthy => LastRun is not (Missing or "failed");
}
