using FlagDashboard.Core.Usage.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class ApiCallCountConfiguration : IEntityTypeConfiguration<ApiCallCount>
{
    public void Configure(EntityTypeBuilder<ApiCallCount> builder)
    {
        builder.ToTable("UsageApiCalls");
        builder.Property(c => c.Resource).HasMaxLength(30);
        // The upsert's conflict target, and the index every chart query walks: window, organisation, time.
        builder.HasIndex(c => new { c.Window, c.OrganisationId, c.WindowStart, c.ProjectId, c.EnvironmentId, c.Resource, c.StatusClass })
            .IsUnique()
            .HasDatabaseName("IX_UsageApiCalls_Key");
    }
}

internal sealed class EvaluationCountConfiguration : IEntityTypeConfiguration<EvaluationCount>
{
    public void Configure(EntityTypeBuilder<EvaluationCount> builder)
    {
        builder.ToTable("UsageEvaluations");
        builder.Property(c => c.Feature).HasMaxLength(FieldLimits.FeatureName);
        builder.HasIndex(c => new { c.Window, c.OrganisationId, c.WindowStart, c.ProjectId, c.EnvironmentId, c.Feature })
            .IsUnique()
            .HasDatabaseName("IX_UsageEvaluations_Key");
        builder.HasIndex(c => new { c.Window, c.EnvironmentId, c.WindowStart })
            .HasDatabaseName("IX_UsageEvaluations_Environment");
    }
}
