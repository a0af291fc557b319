using FlagDashboard.Core.Projects;

namespace FlagDashboard.Core.Organisations;

public sealed class Organisation : IVersioned
{
    public int Id { get; set; }

    public required string Name { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public int Version { get; set; }

    public List<Project> Projects { get; set; } = [];
}
