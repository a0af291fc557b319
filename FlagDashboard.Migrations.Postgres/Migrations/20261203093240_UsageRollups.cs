using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace FlagDashboard.Migrations.Postgres.Migrations
{
    /// <inheritdoc />
    public partial class UsageRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "UsageApiCallCounts",
                columns: table => new
                {
                    Window = table.Column<int>(type: "integer", nullable: false),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    EnvironmentId = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    Resource = table.Column<string>(type: "character varying(30)", maxLength: 30, nullable: false),
                    StatusClass = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageApiCallCounts", x => new { x.Window, x.OrganisationId, x.ProjectId, x.EnvironmentId, x.WindowStart, x.Resource, x.StatusClass });
                });

            migrationBuilder.CreateTable(
                name: "UsageEvaluationCounts",
                columns: table => new
                {
                    Window = table.Column<int>(type: "integer", nullable: false),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    EnvironmentId = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    FeatureId = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageEvaluationCounts", x => new { x.Window, x.OrganisationId, x.ProjectId, x.EnvironmentId, x.WindowStart, x.FeatureId });
                });

            migrationBuilder.CreateTable(
                name: "UsageBatches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "uuid", nullable: false),
                    Minute = table.Column<long>(type: "bigint", nullable: false),
                    WrittenAt = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageBatches", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "UsageProjectEvaluationCounts",
                columns: table => new
                {
                    Window = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false),
                    OrganisationId = table.Column<int>(type: "integer", nullable: false),
                    ProjectId = table.Column<int>(type: "integer", nullable: false),
                    FeatureId = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageProjectEvaluationCounts", x => new { x.Window, x.OrganisationId, x.ProjectId, x.WindowStart, x.FeatureId });
                });

            migrationBuilder.CreateTable(
                name: "UsageRollups",
                columns: table => new
                {
                    Window = table.Column<int>(type: "integer", nullable: false),
                    WindowStart = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageRollups", x => new { x.Window, x.WindowStart });
                });

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvaluationCounts_Feature",
                table: "UsageEvaluationCounts",
                columns: new[] { "Window", "FeatureId", "WindowStart" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageEvaluationCounts_Time",
                table: "UsageEvaluationCounts",
                columns: new[] { "Window", "WindowStart" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageApiCallCounts_Time",
                table: "UsageApiCallCounts",
                columns: new[] { "Window", "WindowStart" });

            migrationBuilder.CreateIndex(
                name: "IX_UsageBatches_WrittenAt",
                table: "UsageBatches",
                column: "WrittenAt");

            migrationBuilder.CreateIndex(
                name: "IX_UsageProjectEvaluationCounts_Time",
                table: "UsageProjectEvaluationCounts",
                columns: new[] { "Window", "WindowStart" });

            foreach (var sql in FlagDashboard.Core.Data.MigrationSql.UsageRollupsSql.CopyAndQueue)
            {
                migrationBuilder.Sql(sql);
            }

            migrationBuilder.DropTable(name: "UsageApiCalls");
            migrationBuilder.DropTable(name: "UsageEvaluations");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            // Back to the tables of the initial migration, empty: counts by feature id cannot become names again.
            migrationBuilder.DropTable(name: "UsageApiCallCounts");
            migrationBuilder.DropTable(name: "UsageEvaluationCounts");
            migrationBuilder.DropTable(name: "UsageProjectEvaluationCounts");
            migrationBuilder.DropTable(name: "UsageRollups");
            migrationBuilder.DropTable(name: "UsageBatches");
            migrationBuilder.Sql("""
                CREATE TABLE "UsageApiCalls" ("Id" bigint GENERATED BY DEFAULT AS IDENTITY CONSTRAINT "PK_UsageApiCalls" PRIMARY KEY, "Window" integer NOT NULL,
                    "WindowStart" bigint NOT NULL, "OrganisationId" integer NOT NULL, "ProjectId" integer NOT NULL, "EnvironmentId" integer NOT NULL,
                    "Resource" character varying(30) NOT NULL, "StatusClass" integer NOT NULL, "Count" bigint NOT NULL);
                CREATE TABLE "UsageEvaluations" ("Id" bigint GENERATED BY DEFAULT AS IDENTITY CONSTRAINT "PK_UsageEvaluations" PRIMARY KEY, "Window" integer NOT NULL,
                    "WindowStart" bigint NOT NULL, "OrganisationId" integer NOT NULL, "ProjectId" integer NOT NULL, "EnvironmentId" integer NOT NULL,
                    "Feature" character varying(150) NOT NULL, "Count" bigint NOT NULL);
                """);
            migrationBuilder.CreateIndex(name: "IX_UsageApiCalls_Key", table: "UsageApiCalls", columns: new[] { "Window", "OrganisationId", "WindowStart", "ProjectId", "EnvironmentId", "Resource", "StatusClass" }, unique: true);
            migrationBuilder.CreateIndex(name: "IX_UsageEvaluations_Environment", table: "UsageEvaluations", columns: new[] { "Window", "EnvironmentId", "WindowStart" });
            migrationBuilder.CreateIndex(name: "IX_UsageEvaluations_Key", table: "UsageEvaluations", columns: new[] { "Window", "OrganisationId", "WindowStart", "ProjectId", "EnvironmentId", "Feature" }, unique: true);
        }
    }
}
