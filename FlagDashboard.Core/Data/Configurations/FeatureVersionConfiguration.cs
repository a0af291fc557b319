using FlagDashboard.Core.Versions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class FeatureVersionConfiguration : IEntityTypeConfiguration<FeatureVersion>
{
    public void Configure(EntityTypeBuilder<FeatureVersion> builder)
    {
        builder.Property(v => v.Author).HasMaxLength(FieldLimits.Name);
        builder.Property(v => v.Comment).HasMaxLength(FeatureVersions.CommentLength);
        // Two changes of one feature at once cannot both take the next number: the second fails and is retried by its author.
        builder.HasIndex(v => new { v.FeatureId, v.EnvironmentId, v.Number }).IsUnique();
        builder.HasIndex(v => v.EnvironmentId);
        builder.HasOne(v => v.Feature).WithMany().HasForeignKey(v => v.FeatureId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(v => v.Environment).WithMany().HasForeignKey(v => v.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}
