using FlagDashboard.Core.ChangeRequests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class ChangeRequestConfiguration : IEntityTypeConfiguration<ChangeRequest>
{
    public void Configure(EntityTypeBuilder<ChangeRequest> builder)
    {
        builder.Property(r => r.Title).HasMaxLength(200);
        builder.Property(r => r.Description).HasMaxLength(FieldLimits.Description);
        builder.Property(r => r.Author).HasMaxLength(FieldLimits.Name);
        builder.Property(r => r.AuthorKey).HasMaxLength(FieldLimits.Name);
        builder.Property(r => r.ClosedBy).HasMaxLength(FieldLimits.Name);
        builder.Property(r => r.ScheduledBy).HasMaxLength(FieldLimits.Name);
        builder.Property(r => r.Status).HasConversion<string>().HasMaxLength(20);
        builder.Property(r => r.Reviewers).HasJsonConversion().HasMaxLength(4000);
        builder.HasIndex(r => new { r.EnvironmentId, r.Status });
        // The scheduler's question every second: which scheduled requests are due.
        builder.HasIndex(r => new { r.Status, r.ScheduledFor });
        builder.HasOne(r => r.Feature).WithMany().HasForeignKey(r => r.FeatureId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(r => r.Environment).WithMany().HasForeignKey(r => r.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ChangeRequestApprovalConfiguration : IEntityTypeConfiguration<ChangeRequestApproval>
{
    public void Configure(EntityTypeBuilder<ChangeRequestApproval> builder)
    {
        builder.Property(a => a.Approver).HasMaxLength(FieldLimits.Name);
        builder.Property(a => a.ApproverKey).HasMaxLength(FieldLimits.Name);
        // One approval per person, even when they click twice on two instances.
        builder.HasIndex(a => new { a.ChangeRequestId, a.ApproverKey }).IsUnique();
        builder.HasOne(a => a.ChangeRequest).WithMany(r => r.Approvals).HasForeignKey(a => a.ChangeRequestId).OnDelete(DeleteBehavior.Cascade);
    }
}
