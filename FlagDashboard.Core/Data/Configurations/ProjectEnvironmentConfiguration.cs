using FlagDashboard.Core.Environments;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class ProjectEnvironmentConfiguration : IEntityTypeConfiguration<ProjectEnvironment>
{
    public void Configure(EntityTypeBuilder<ProjectEnvironment> builder)
    {
        builder.ToTable("Environments");
        builder.Property(e => e.Name).HasMaxLength(FieldLimits.Name);
        builder.Property(e => e.ClientKey).HasMaxLength(FieldLimits.Key);
        builder.HasIndex(e => e.ClientKey).IsUnique();
        builder.HasIndex(e => new { e.ProjectId, e.Name }).IsUnique();
        builder.HasOne(e => e.Project).WithMany(p => p.Environments).HasForeignKey(e => e.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ServerSideKeyConfiguration : IEntityTypeConfiguration<ServerSideKey>
{
    public void Configure(EntityTypeBuilder<ServerSideKey> builder)
    {
        builder.Property(k => k.Key).HasMaxLength(FieldLimits.Key);
        builder.Property(k => k.Name).HasMaxLength(FieldLimits.Name);
        builder.HasIndex(k => k.Key).IsUnique();
        builder.HasOne(k => k.Environment).WithMany(e => e.ServerSideKeys).HasForeignKey(k => k.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        builder.Ignore(k => k.IsActive);
    }
}
