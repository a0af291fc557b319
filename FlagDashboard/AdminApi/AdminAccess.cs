using FlagDashboard.Core;

namespace FlagDashboard.AdminApi;

internal static class AdminAccess
{
    /// <summary>An update must say which version it was made from; without it a stale edit could not be told apart.</summary>
    public static int RequireVersion(int? version) =>
        version ?? throw new ValidationException("version", "The version the change was made from is required (from the last read); a stale version gets 409.");
}
