using FlagDashboard.Core.Webhooks;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class WebhookConfiguration : IEntityTypeConfiguration<Webhook>
{
    public void Configure(EntityTypeBuilder<Webhook> builder)
    {
        builder.Property(w => w.Url).HasMaxLength(WebhookService.MaxUrlLength);
        builder.Property(w => w.Secret).HasMaxLength(WebhookService.MaxSecretLength);
        builder.HasIndex(w => new { w.EnvironmentId, w.Url }).IsUnique();
        builder.HasIndex(w => new { w.OrganisationId, w.Url }).IsUnique();
        builder.HasOne(w => w.Environment).WithMany().HasForeignKey(w => w.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(w => w.Organisation).WithMany().HasForeignKey(w => w.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.ToTable(t => t.HasCheckConstraint("CK_Webhooks_OneOwner", "(\"EnvironmentId\" IS NULL) <> (\"OrganisationId\" IS NULL)"));
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> builder)
    {
        builder.Property(d => d.EventType).HasMaxLength(50);
        builder.Property(d => d.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(d => d.LastError).HasMaxLength(1000);
        // The sender's query: pending deliveries by due time.
        builder.HasIndex(d => new { d.Status, d.NextAttemptAt });
        builder.HasIndex(d => new { d.WebhookId, d.Id });
        builder.HasOne(d => d.Webhook).WithMany().HasForeignKey(d => d.WebhookId).OnDelete(DeleteBehavior.Cascade);
    }
}
