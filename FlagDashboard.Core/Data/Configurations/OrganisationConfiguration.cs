using FlagDashboard.Core.Organisations;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlagDashboard.Core.Data.Configurations;

internal sealed class OrganisationConfiguration : IEntityTypeConfiguration<Organisation>
{
    public void Configure(EntityTypeBuilder<Organisation> builder)
    {
        builder.Property(o => o.Name).HasMaxLength(FieldLimits.Name);
        builder.HasIndex(o => o.Name).IsUnique();
        // Organisations that existed before billing days start their periods on the 1st.
        builder.Property(o => o.BillingDay).HasDefaultValue(1);
        // No database default for these: a default would also replace a 0 grace period on insert. The
        // migration gives existing organisations KeepServing and 3 days.
        builder.Property(o => o.OverLimitBehaviour).HasConversion<string>().HasMaxLength(20);
    }
}
