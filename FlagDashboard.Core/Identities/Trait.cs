using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Identities;

public sealed class Trait
{
    public int Id { get; set; }

    public int IdentityId { get; set; }

    public Identity? Identity { get; set; }

    public required string Key { get; set; }

    public FlagValue Value { get; set; }
}
