using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlagDashboard.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UsageCounts : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "PendingUsage",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Minute = table.Column<long>(type: "INTEGER", nullable: false),
                    Batch = table.Column<string>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PendingUsage", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UsageApiCalls",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Window = table.Column<int>(type: "INTEGER", nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProjectId = table.Column<int>(type: "INTEGER", nullable: false),
                    EnvironmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Resource = table.Column<string>(type: "TEXT", maxLength: 30, nullable: false),
                    StatusClass = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageApiCalls", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UsageEvaluations",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Window = table.Column<int>(type: "INTEGER", nullable: false),
                    WindowStart = table.Column<long>(type: "INTEGER", nullable: false),
                    OrganisationId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProjectId = table.Column<int>(type: "INTEGER", nullable: false),
                    EnvironmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Feature = table.Column<string>(type: "TEXT", maxLength: 150, nullable: false),
                    Count = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageEvaluations", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageApiCalls_Key",
                table: "UsageApiCalls",
                columns: new[] { "Window", "OrganisationId", "WindowStart", "ProjectId", "EnvironmentId", "Resource", "StatusClass" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvaluations_Environment",
                table: "UsageEvaluations",
                columns: new[] { "Window", "EnvironmentId", "WindowStart" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvaluations_Key",
                table: "UsageEvaluations",
                columns: new[] { "Window", "OrganisationId", "WindowStart", "ProjectId", "EnvironmentId", "Feature" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PendingUsage");

            migrationBuilder.DropTable(
                name: "UsageApiCalls");

            migrationBuilder.DropTable(
                name: "UsageEvaluations");
        }
    }
}
