using FlagDashboard.Core.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.Property(a => a.Actor).HasMaxLength(FieldLimits.Name);
        builder.Property(a => a.Action).HasConversion<string>().HasMaxLength(20);
        builder.Property(a => a.EntityType).HasMaxLength(50);
        // Composite ids such as "{identity}/{trait key}" must fit.
        builder.Property(a => a.EntityId).HasMaxLength(FieldLimits.TraitKey + 20);
        builder.Property(a => a.EntityName).HasMaxLength(FieldLimits.Identifier);
        builder.Ignore(a => a.WebhookEvent);
        builder.HasIndex(a => a.At);
        builder.HasIndex(a => new { a.OrganisationId, a.At });
        builder.HasIndex(a => new { a.EntityType, a.EntityId });
    }
}
