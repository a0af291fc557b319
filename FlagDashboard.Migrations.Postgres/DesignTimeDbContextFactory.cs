using FlagDashboard.Core.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FlagDashboard.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model; adding a migration needs no server.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<FlagDashboardDbContext>
{
    public FlagDashboardDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<FlagDashboardDbContext>();
        builder.UsePostgres("Host=localhost;Database=flagdashboard_design");
        return new FlagDashboardDbContext(builder.Options);
    }
}
