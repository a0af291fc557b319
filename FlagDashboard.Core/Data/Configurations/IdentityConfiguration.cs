using FlagDashboard.Core.Identities;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class IdentityConfiguration : IEntityTypeConfiguration<Identity>
{
    public void Configure(EntityTypeBuilder<Identity> builder)
    {
        builder.Property(i => i.Identifier).HasMaxLength(FieldLimits.Identifier);
        // Also serves the dashboard's search by identifier prefix.
        builder.HasIndex(i => new { i.EnvironmentId, i.Identifier }).IsUnique();
        builder.HasOne(i => i.Environment).WithMany().HasForeignKey(i => i.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class TraitConfiguration : IEntityTypeConfiguration<Trait>
{
    public void Configure(EntityTypeBuilder<Trait> builder)
    {
        builder.Property(t => t.Key).HasMaxLength(FieldLimits.TraitKey);
        builder.HasIndex(t => new { t.IdentityId, t.Key }).IsUnique();
        builder.HasOne(t => t.Identity).WithMany(i => i.Traits).HasForeignKey(t => t.IdentityId).OnDelete(DeleteBehavior.Cascade);
    }
}
