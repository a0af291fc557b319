using FlagDashboard.Core.Flags;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class FeatureConfiguration : IEntityTypeConfiguration<Feature>
{
    public void Configure(EntityTypeBuilder<Feature> builder)
    {
        builder.Property(f => f.Name).HasMaxLength(FieldLimits.FeatureName);
        builder.Property(f => f.Description).HasMaxLength(FieldLimits.Description);
        builder.Property(f => f.Type).HasConversion<string>().HasMaxLength(20);
        builder.Property(f => f.Tags).HasJsonConversion().HasMaxLength(4000);
        builder.HasIndex(f => new { f.ProjectId, f.Name }).IsUnique();
        builder.HasOne(f => f.Project).WithMany(p => p.Features).HasForeignKey(f => f.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class MultivariateOptionConfiguration : IEntityTypeConfiguration<MultivariateOption>
{
    public void Configure(EntityTypeBuilder<MultivariateOption> builder)
    {
        builder.HasOne(o => o.Feature).WithMany(f => f.Options).HasForeignKey(o => o.FeatureId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FeatureStateConfiguration : IEntityTypeConfiguration<FeatureState>
{
    public void Configure(EntityTypeBuilder<FeatureState> builder)
    {
        builder.Property(s => s.HashKey).HasMaxLength(FieldLimits.Key);
        builder.Property(s => s.Uuid).HasMaxLength(FieldLimits.Key);
        builder.Ignore(s => s.IsEnvironmentDefault);
        builder.HasOne(s => s.Feature).WithMany().HasForeignKey(s => s.FeatureId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Environment).WithMany().HasForeignKey(s => s.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Segment).WithMany().HasForeignKey(s => s.SegmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(s => s.Identity).WithMany().HasForeignKey(s => s.IdentityId).OnDelete(DeleteBehavior.Cascade);

        // One default state per feature and environment, one override per segment or identity. Filtered,
        // because both providers treat NULLs in a unique index as distinct.
        builder.HasIndex(s => new { s.EnvironmentId, s.FeatureId })
            .HasDatabaseName("IX_FeatureStates_EnvironmentDefault")
            .HasFilter("\"SegmentId\" IS NULL AND \"IdentityId\" IS NULL")
            .IsUnique();
        builder.HasIndex(s => new { s.EnvironmentId, s.FeatureId, s.SegmentId })
            .HasDatabaseName("IX_FeatureStates_SegmentOverride")
            .HasFilter("\"SegmentId\" IS NOT NULL")
            .IsUnique();
        builder.HasIndex(s => new { s.IdentityId, s.FeatureId })
            .HasDatabaseName("IX_FeatureStates_IdentityOverride")
            .HasFilter("\"IdentityId\" IS NOT NULL")
            .IsUnique();
    }
}

internal sealed class MultivariateWeightConfiguration : IEntityTypeConfiguration<MultivariateWeight>
{
    public void Configure(EntityTypeBuilder<MultivariateWeight> builder)
    {
        builder.HasOne(w => w.FeatureState).WithMany(s => s.Weights).HasForeignKey(w => w.FeatureStateId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(w => w.Option).WithMany().HasForeignKey(w => w.OptionId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(w => new { w.FeatureStateId, w.OptionId }).IsUnique();
    }
}
