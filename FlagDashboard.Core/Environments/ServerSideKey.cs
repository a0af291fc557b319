namespace FlagDashboard.Core.Environments;

/// <summary>A secret key for server SDKs (local evaluation, the environment document). Starts with <c>ser.</c>.</summary>
public sealed class ServerSideKey
{
    public const string Prefix = "ser.";

    public int Id { get; set; }

    public int EnvironmentId { get; set; }

    public ProjectEnvironment? Environment { get; set; }

    public required string Key { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    public bool IsActive => RevokedAt is null;
}
