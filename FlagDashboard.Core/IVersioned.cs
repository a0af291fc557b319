namespace FlagDashboard.Core;

/// <summary>
/// An entity edited by people: its version is the optimistic-concurrency token, raised by one on every
/// save, so a stale edit fails instead of silently overwriting someone else's.
/// </summary>
public interface IVersioned
{
    int Version { get; set; }
}
