using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlagDashboard.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class ProjectStaleFlagDays : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "StaleFlagDays",
                table: "Projects",
                type: "integer",
                nullable: false,
                defaultValue: 30);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "StaleFlagDays",
                table: "Projects");
        }
    }
}
