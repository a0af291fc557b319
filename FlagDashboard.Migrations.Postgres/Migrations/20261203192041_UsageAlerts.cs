using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FlagDashboard.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class UsageAlerts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AlterColumn<int>(
                name: "EnvironmentId",
                table: "Webhooks",
                type: "integer",
                nullable: true,
                oldClrType: typeof(int),
                oldType: "integer");

            migrationBuilder.AddColumn<int>(
                name: "OrganisationId",
                table: "Webhooks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "BillingDay",
                table: "Organisations",
                type: "integer",
                nullable: false,
                defaultValue: 1);

            migrationBuilder.AddColumn<long>(
                name: "MonthlyApiCallAllowance",
                table: "Organisations",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "UsageAlerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    PeriodStart = table.Column<long>(type: "bigint", nullable: false),
                    Threshold = table.Column<int>(type: "integer", nullable: false),
                    Total = table.Column<long>(type: "bigint", nullable: false),
                    Allowance = table.Column<long>(type: "bigint", nullable: false),
                    ReachedAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageAlerts", x => x.Id);
                    table.ForeignKey(
                        name: "FK_UsageAlerts_Organisations_OrganisationId",
                        column: x => x.OrganisationId,
                        principalTable: "Organisations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Webhooks_OrganisationId_Url",
                table: "Webhooks",
                columns: new[] { "OrganisationId", "Url" },
                unique: true);

            migrationBuilder.AddCheckConstraint(
                name: "CK_Webhooks_OneOwner",
                table: "Webhooks",
                sql: "(\"EnvironmentId\" IS NULL) <> (\"OrganisationId\" IS NULL)");

            migrationBuilder.CreateIndex(
                name: "IX_UsageAlerts_OrganisationId_PeriodStart_Threshold",
                table: "UsageAlerts",
                columns: new[] { "OrganisationId", "PeriodStart", "Threshold" },
                unique: true);

            migrationBuilder.AddForeignKey(
                name: "FK_Webhooks_Organisations_OrganisationId",
                table: "Webhooks",
                column: "OrganisationId",
                principalTable: "Organisations",
                principalColumn: "Id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "FK_Webhooks_Organisations_OrganisationId",
                table: "Webhooks");

            migrationBuilder.DropTable(
                name: "UsageAlerts");

            migrationBuilder.DropIndex(
                name: "IX_Webhooks_OrganisationId_Url",
                table: "Webhooks");

            migrationBuilder.DropCheckConstraint(
                name: "CK_Webhooks_OneOwner",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "OrganisationId",
                table: "Webhooks");

            migrationBuilder.DropColumn(
                name: "BillingDay",
                table: "Organisations");

            migrationBuilder.DropColumn(
                name: "MonthlyApiCallAllowance",
                table: "Organisations");

            migrationBuilder.AlterColumn<int>(
                name: "EnvironmentId",
                table: "Webhooks",
                type: "integer",
                nullable: false,
                defaultValue: 0,
                oldClrType: typeof(int),
                oldType: "integer",
                oldNullable: true);
        }
    }
}
