using FlagDashboard.Core.Usage.Embedded;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

// Count tables have their key as primary key (on SQLite WITHOUT ROWID, see the migration): the key is
// then the table's order, a chart's query reads one range of it, and the count is at hand.
internal sealed class ApiCallCountConfiguration : IEntityTypeConfiguration<ApiCallCount>
{
    public void Configure(EntityTypeBuilder<ApiCallCount> builder)
    {
        builder.ToTable("UsageApiCallCounts");
        builder.Property(c => c.Resource).HasMaxLength(30);
        builder.HasKey(c => new { c.Window, c.OrganisationId, c.ProjectId, c.EnvironmentId, c.WindowStart, c.Resource, c.StatusClass });
        // Organisation-wide charts, pruning and roll-ups read by time across projects.
        builder.HasIndex(c => new { c.Window, c.WindowStart }).HasDatabaseName("IX_UsageApiCallCounts_Time");
    }
}

internal sealed class EvaluationCountConfiguration : IEntityTypeConfiguration<EvaluationCount>
{
    public void Configure(EntityTypeBuilder<EvaluationCount> builder)
    {
        builder.ToTable("UsageEvaluationCounts");
        builder.HasKey(c => new { c.Window, c.OrganisationId, c.ProjectId, c.EnvironmentId, c.WindowStart, c.FeatureId });
        // One feature's chart by environment, and the last evaluation of each feature.
        builder.HasIndex(c => new { c.Window, c.FeatureId, c.WindowStart }).HasDatabaseName("IX_UsageEvaluationCounts_Feature");
        builder.HasIndex(c => new { c.Window, c.WindowStart }).HasDatabaseName("IX_UsageEvaluationCounts_Time");
    }
}

internal sealed class ProjectEvaluationCountConfiguration : IEntityTypeConfiguration<ProjectEvaluationCount>
{
    public void Configure(EntityTypeBuilder<ProjectEvaluationCount> builder)
    {
        builder.ToTable("UsageProjectEvaluationCounts");
        builder.HasKey(c => new { c.Window, c.OrganisationId, c.ProjectId, c.WindowStart, c.FeatureId });
        builder.HasIndex(c => new { c.Window, c.WindowStart }).HasDatabaseName("IX_UsageProjectEvaluationCounts_Time");
    }
}

internal sealed class UsageBatchRecordConfiguration : IEntityTypeConfiguration<UsageBatchRecord>
{
    public void Configure(EntityTypeBuilder<UsageBatchRecord> builder)
    {
        builder.ToTable("UsageBatches");
        builder.Property(b => b.Id).ValueGeneratedNever();
        builder.HasIndex(b => b.WrittenAt);
    }
}

internal sealed class UsageRollupConfiguration : IEntityTypeConfiguration<UsageRollup>
{
    public void Configure(EntityTypeBuilder<UsageRollup> builder)
    {
        builder.ToTable("UsageRollups");
        builder.HasKey(r => new { r.Window, r.WindowStart });
    }
}
