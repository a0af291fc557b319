using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlagDashboard.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class OverLimitBehaviour : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "OverLimitBehaviour",
                table: "Organisations",
                type: "TEXT",
                maxLength: 20,
                nullable: false,
                defaultValue: "KeepServing");

            migrationBuilder.AddColumn<int>(
                name: "OverLimitGraceDays",
                table: "Organisations",
                type: "INTEGER",
                nullable: false,
                defaultValue: 3);

            migrationBuilder.AddColumn<long>(
                name: "ServingDefaultsSince",
                table: "Organisations",
                type: "INTEGER",
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "OverLimitBehaviour",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "OverLimitGraceDays",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "ServingDefaultsSince",
                table: "Organisations");
        }
    }
}
