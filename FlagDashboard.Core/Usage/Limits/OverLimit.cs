namespace FlagDashboard.Core.Usage.Limits;

/// <summary>What SDKs are answered once an organisation has been over its allowance past the grace period.</summary>
public enum OverLimitBehaviour
{
    /// <summary>Nothing changes: flags are served as configured.</summary>
    KeepServing,

    /// <summary>Every flag is served as its feature's project-level default: no multivariate split, no segment or identity override.</summary>
    ServeDefaultsOnly,
}

/// <summary>The one rule deciding whether an organisation's SDK answers are its features' defaults only.</summary>
public static class OverLimit
{
    public const int DefaultGraceDays = 3;
    public const int MaxGraceDays = 90;

    /// <summary>
    /// True when the behaviour is <see cref="OverLimitBehaviour.ServeDefaultsOnly"/>, the 100 % alert of the
    /// current period fired more than <paramref name="graceDays"/> whole days ago, and the period's calls
    /// still reach the allowance as it is now (raising it, or removing it, serves flags again).
    /// </summary>
    /// <param name="fullAllowanceReachedAt">When the 100 % alert of the current period was recorded; null: not yet.</param>
    public static bool ServesDefaultsOnly(OverLimitBehaviour behaviour, int graceDays, long? allowance, DateTimeOffset? fullAllowanceReachedAt, long periodTotal, DateTimeOffset now) =>
        behaviour == OverLimitBehaviour.ServeDefaultsOnly
        && allowance is { } calls
        && fullAllowanceReachedAt is { } reachedAt
        && now - reachedAt > TimeSpan.FromDays(graceDays)
        && periodTotal >= calls;
}
