using FlagDashboard.Core.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class ProjectConfiguration : IEntityTypeConfiguration<Project>
{
    public void Configure(EntityTypeBuilder<Project> builder)
    {
        builder.Property(p => p.Name).HasMaxLength(FieldLimits.Name);
        builder.HasIndex(p => new { p.OrganisationId, p.Name }).IsUnique();
        builder.Property(p => p.StaleFlagDays).HasDefaultValue(Project.DefaultStaleFlagDays);
        builder.HasOne(p => p.Organisation).WithMany(o => o.Projects).HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
