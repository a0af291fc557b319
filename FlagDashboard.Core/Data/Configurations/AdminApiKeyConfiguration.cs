using FlagDashboard.Core.ApiKeys;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class AdminApiKeyConfiguration : IEntityTypeConfiguration<AdminApiKey>
{
    public void Configure(EntityTypeBuilder<AdminApiKey> builder)
    {
        builder.Property(k => k.Name).HasMaxLength(FieldLimits.Name);
        builder.Property(k => k.Prefix).HasMaxLength(20);
        builder.Property(k => k.SecretHash).HasMaxLength(100);
        builder.Property(k => k.CreatedBy).HasMaxLength(FieldLimits.Name);
        builder.HasIndex(k => k.SecretHash).IsUnique();
        builder.HasOne(k => k.Organisation).WithMany().HasForeignKey(k => k.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}
