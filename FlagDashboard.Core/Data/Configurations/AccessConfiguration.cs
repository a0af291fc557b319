using FlagDashboard.Core.Access;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class OrganisationMemberConfiguration : IEntityTypeConfiguration<OrganisationMember>
{
    public void Configure(EntityTypeBuilder<OrganisationMember> builder)
    {
        builder.HasKey(m => new { m.OrganisationId, m.UserId });
        builder.HasIndex(m => m.UserId);
        builder.HasOne(m => m.Organisation).WithMany().HasForeignKey(m => m.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccessGroupConfiguration : IEntityTypeConfiguration<AccessGroup>
{
    public void Configure(EntityTypeBuilder<AccessGroup> builder)
    {
        builder.Property(g => g.Name).HasMaxLength(FieldLimits.Name);
        builder.HasIndex(g => new { g.OrganisationId, g.Name }).IsUnique();
        builder.HasOne(g => g.Organisation).WithMany().HasForeignKey(g => g.OrganisationId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class AccessGroupMemberConfiguration : IEntityTypeConfiguration<AccessGroupMember>
{
    public void Configure(EntityTypeBuilder<AccessGroupMember> builder)
    {
        builder.HasKey(m => new { m.GroupId, m.UserId });
        builder.HasIndex(m => m.UserId);
        builder.HasOne(m => m.Group).WithMany(g => g.Members).HasForeignKey(m => m.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(m => m.User).WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectRoleGrantConfiguration : IEntityTypeConfiguration<ProjectRoleGrant>
{
    public void Configure(EntityTypeBuilder<ProjectRoleGrant> builder)
    {
        builder.HasIndex(g => new { g.ProjectId, g.UserId }).IsUnique();
        builder.HasIndex(g => new { g.ProjectId, g.GroupId }).IsUnique();
        builder.HasIndex(g => g.UserId);
        builder.ToTable(t => t.HasCheckConstraint("CK_ProjectRoleGrants_Holder", "(\"UserId\" IS NULL) <> (\"GroupId\" IS NULL)"));
        builder.HasOne(g => g.Project).WithMany().HasForeignKey(g => g.ProjectId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(g => g.User).WithMany().HasForeignKey(g => g.UserId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne(g => g.Group).WithMany().HasForeignKey(g => g.GroupId).OnDelete(DeleteBehavior.Cascade);
        builder.HasMany(g => g.StateEnvironments).WithOne().HasForeignKey(e => e.GrantId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ProjectRoleEnvironmentConfiguration : IEntityTypeConfiguration<ProjectRoleEnvironment>
{
    public void Configure(EntityTypeBuilder<ProjectRoleEnvironment> builder)
    {
        builder.HasKey(e => new { e.GrantId, e.EnvironmentId });
        builder.HasOne<Environments.ProjectEnvironment>().WithMany().HasForeignKey(e => e.EnvironmentId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class InvitationConfiguration : IEntityTypeConfiguration<Invitation>
{
    public void Configure(EntityTypeBuilder<Invitation> builder)
    {
        builder.Property(i => i.Email).HasMaxLength(FieldLimits.Name);
        builder.Property(i => i.TokenHash).HasMaxLength(100);
        builder.Property(i => i.CreatedBy).HasMaxLength(FieldLimits.Name);
        builder.HasIndex(i => i.TokenHash).IsUnique();
        builder.HasOne(i => i.Organisation).WithMany().HasForeignKey(i => i.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<Projects.Project>().WithMany().HasForeignKey(i => i.ProjectId).OnDelete(DeleteBehavior.Cascade);
    }
}
