using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlagDashboard.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class ScheduledChanges : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "ScheduledBy",
                table: "ChangeRequests",
                type: "TEXT",
                maxLength: 200,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ScheduledFor",
                table: "ChangeRequests",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_ChangeRequests_Status_ScheduledFor",
                table: "ChangeRequests",
                columns: new[] { "Status", "ScheduledFor" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_ChangeRequests_Status_ScheduledFor",
                table: "ChangeRequests");

            migrationBuilder.DropColumn(
                name: "ScheduledBy",
                table: "ChangeRequests");

            migrationBuilder.DropColumn(
                name: "ScheduledFor",
                table: "ChangeRequests");
        }
    }
}
