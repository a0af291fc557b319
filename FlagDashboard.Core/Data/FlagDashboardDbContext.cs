using FlagDashboard.Core.Access;
using FlagDashboard.Core.ApiKeys;
using FlagDashboard.Core.ChangeRequests;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Usage.Embedded;
using FlagDashboard.Core.Users;
using FlagDashboard.Core.Versions;
using FlagDashboard.Core.Webhooks;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlagDashboard.Core.Data;

public sealed class FlagDashboardDbContext(DbContextOptions<FlagDashboardDbContext> options)
    : IdentityDbContext<DashboardUser>(options), IDataProtectionKeyContext
{
    public DbSet<Organisation> Organisations => Set<Organisation>();

    public DbSet<Project> Projects => Set<Project>();

    public DbSet<ProjectEnvironment> Environments => Set<ProjectEnvironment>();

    public DbSet<ServerSideKey> ServerSideKeys => Set<ServerSideKey>();

    public DbSet<Feature> Features => Set<Feature>();

    public DbSet<MultivariateOption> MultivariateOptions => Set<MultivariateOption>();

    public DbSet<FeatureState> FeatureStates => Set<FeatureState>();

    public DbSet<MultivariateWeight> MultivariateWeights => Set<MultivariateWeight>();

    public DbSet<Segment> Segments => Set<Segment>();

    public DbSet<Identity> Identities => Set<Identity>();

    public DbSet<Trait> Traits => Set<Trait>();

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    public DbSet<AdminApiKey> AdminApiKeys => Set<AdminApiKey>();

    public DbSet<ApiCallCount> UsageApiCalls => Set<ApiCallCount>();

    public DbSet<EvaluationCount> UsageEvaluations => Set<EvaluationCount>();

    public DbSet<ProjectEvaluationCount> UsageProjectEvaluations => Set<ProjectEvaluationCount>();

    public DbSet<UsageBatchRecord> UsageBatches => Set<UsageBatchRecord>();

    public DbSet<UsageRollup> UsageRollups => Set<UsageRollup>();

    public DbSet<PendingUsage> PendingUsage => Set<PendingUsage>();

    /// <summary>The keys that protect sign-in cookies, shared by every instance on the same database.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    public DbSet<Webhook> Webhooks => Set<Webhook>();

    public DbSet<OrganisationMember> OrganisationMembers => Set<OrganisationMember>();

    public DbSet<AccessGroup> AccessGroups => Set<AccessGroup>();

    public DbSet<AccessGroupMember> AccessGroupMembers => Set<AccessGroupMember>();

    public DbSet<ProjectRoleGrant> ProjectRoleGrants => Set<ProjectRoleGrant>();

    public DbSet<ProjectRoleEnvironment> ProjectRoleEnvironments => Set<ProjectRoleEnvironment>();

    public DbSet<Invitation> Invitations => Set<Invitation>();

    public DbSet<WebhookDelivery> WebhookDeliveries => Set<WebhookDelivery>();

    public DbSet<FeatureVersion> FeatureVersions => Set<FeatureVersion>();

    public DbSet<ChangeRequest> ChangeRequests => Set<ChangeRequest>();

    public DbSet<ChangeRequestApproval> ChangeRequestApprovals => Set<ChangeRequestApproval>();

    public DbSet<Usage.Limits.UsageAlert> UsageAlerts => Set<Usage.Limits.UsageAlert>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.ApplyConfigurationsFromAssembly(typeof(FlagDashboardDbContext).Assembly);
        foreach (var entity in builder.Model.GetEntityTypes().Where(e => typeof(IVersioned).IsAssignableFrom(e.ClrType)))
        {
            builder.Entity(entity.ClrType).Property(nameof(IVersioned.Version)).IsConcurrencyToken();
        }
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder configuration)
    {
        configuration.Properties<FlagValue>().HaveConversion<FlagValueConverter>().HaveMaxLength(FieldLimits.Value);
        // SQLite has no date type: as text, DateTimeOffset cannot be ordered or compared in queries. UTC ticks
        // order and compare correctly whatever offset a value or a query parameter carries. PostgreSQL keeps
        // the same ticks rather than timestamptz, whose microseconds would round the 100 ns a stamp was
        // written with: a stamp read back must equal the one written, on either provider.
        configuration.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
        configuration.Properties<DateTimeOffset?>().HaveConversion<UtcTicksConverter>();
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        RaiseVersions();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        RaiseVersions();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    private void RaiseVersions()
    {
        foreach (var entry in ChangeTracker.Entries<IVersioned>())
        {
            // Marking an environment as changed for SDKs is not an edit of the environment itself.
            if (entry.State == EntityState.Modified
                && entry.Properties.Any(p => p.IsModified && p.Metadata.Name != nameof(ProjectEnvironment.DocumentUpdatedAt)))
            {
                entry.Entity.Version = entry.Property(e => e.Version).OriginalValue + 1;
            }
        }
    }
}
