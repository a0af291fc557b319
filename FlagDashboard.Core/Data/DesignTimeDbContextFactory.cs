using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FlagDashboard.Core.Data;

/// <summary>Lets <c>dotnet ef migrations add</c> build the context without starting the app.</summary>
internal sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<FlagDashboardDbContext>
{
    public FlagDashboardDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<FlagDashboardDbContext>().UseSqlite("Data Source=design.db").Options);
}
