using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Environments;

/// <summary>The one rule for SDK keys: one starting <c>ser.</c> is an active server-side key, anything else a client key.</summary>
public static class EnvironmentKeyLookup
{
    public static bool IsServerSide(string key) => key.StartsWith(ServerSideKey.Prefix, StringComparison.Ordinal);

    /// <summary>The environments a key opens: none or one.</summary>
    public static IQueryable<ProjectEnvironment> Matching(FlagDashboardDbContext db, string key) =>
        IsServerSide(key)
            ? db.Environments.Where(e => e.ServerSideKeys.Any(k => k.Key == key && k.RevokedAt == null))
            : db.Environments.Where(e => e.ClientKey == key);
}
