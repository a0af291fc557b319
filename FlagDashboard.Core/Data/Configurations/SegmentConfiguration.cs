using FlagDashboard.Core.Segments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class SegmentConfiguration : IEntityTypeConfiguration<Segment>
{
    public void Configure(EntityTypeBuilder<Segment> builder)
    {
        builder.Property(s => s.Name).HasMaxLength(FieldLimits.Name);
        builder.Property(s => s.Description).HasMaxLength(FieldLimits.Description);
        builder.Property(s => s.Rules).HasJsonConversion();
        builder.HasIndex(s => new { s.ProjectId, s.Name }).IsUnique();
        builder.HasOne(s => s.Project).WithMany(p => p.Segments).HasForeignKey(s => s.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
