using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlagDashboard.Core.Data.Migrations
{
    /// <inheritdoc />
    public partial class UsageRollups : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // WITHOUT ROWID: the primary key is the table's order, so a chart's query reads one range of it
            // with the count at hand (EF Core cannot say this, hence the SQL).
            migrationBuilder.Sql("""
                CREATE TABLE "UsageApiCallCounts" (
                    "Window" INTEGER NOT NULL, "OrganisationId" INTEGER NOT NULL, "ProjectId" INTEGER NOT NULL, "EnvironmentId" INTEGER NOT NULL,
                    "WindowStart" INTEGER NOT NULL, "Resource" TEXT NOT NULL, "StatusClass" INTEGER NOT NULL, "Count" INTEGER NOT NULL,
                    CONSTRAINT "PK_UsageApiCallCounts" PRIMARY KEY ("Window", "OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "Resource", "StatusClass")
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "UsageEvaluationCounts" (
                    "Window" INTEGER NOT NULL, "OrganisationId" INTEGER NOT NULL, "ProjectId" INTEGER NOT NULL, "EnvironmentId" INTEGER NOT NULL,
                    "WindowStart" INTEGER NOT NULL, "FeatureId" INTEGER NOT NULL, "Count" INTEGER NOT NULL,
                    CONSTRAINT "PK_UsageEvaluationCounts" PRIMARY KEY ("Window", "OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "FeatureId")
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "UsageProjectEvaluationCounts" (
                    "Window" INTEGER NOT NULL, "OrganisationId" INTEGER NOT NULL, "ProjectId" INTEGER NOT NULL,
                    "WindowStart" INTEGER NOT NULL, "FeatureId" INTEGER NOT NULL, "Count" INTEGER NOT NULL,
                    CONSTRAINT "PK_UsageProjectEvaluationCounts" PRIMARY KEY ("Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId")
                ) WITHOUT ROWID;
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "UsageRollups" (
                    "Window" INTEGER NOT NULL, "WindowStart" INTEGER NOT NULL,
                    CONSTRAINT "PK_UsageRollups" PRIMARY KEY ("Window", "WindowStart")
                ) WITHOUT ROWID;
                """);

            migrationBuilder.CreateTable(
                name: "UsageBatches",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    Minute = table.Column<long>(type: "INTEGER", nullable: false),
                    WrittenAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_UsageBatches", x => x.Id);
                });

            migrationBuilder.CreateIndex(name: "IX_UsageEvaluationCounts_Feature", table: "UsageEvaluationCounts", columns: new[] { "Window", "FeatureId", "WindowStart" });
            migrationBuilder.CreateIndex(name: "IX_UsageEvaluationCounts_Time", table: "UsageEvaluationCounts", columns: new[] { "Window", "WindowStart" });
            migrationBuilder.CreateIndex(name: "IX_UsageApiCallCounts_Time", table: "UsageApiCallCounts", columns: new[] { "Window", "WindowStart" });
            migrationBuilder.CreateIndex(name: "IX_UsageBatches_WrittenAt", table: "UsageBatches", column: "WrittenAt");
            migrationBuilder.CreateIndex(name: "IX_UsageProjectEvaluationCounts_Time", table: "UsageProjectEvaluationCounts", columns: new[] { "Window", "WindowStart" });

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
            // Back to the tables of UsageCounts, empty: counts by feature id cannot become names again.
            migrationBuilder.DropTable(name: "UsageApiCallCounts");
            migrationBuilder.DropTable(name: "UsageEvaluationCounts");
            migrationBuilder.DropTable(name: "UsageProjectEvaluationCounts");
            migrationBuilder.DropTable(name: "UsageRollups");
            migrationBuilder.DropTable(name: "UsageBatches");
            migrationBuilder.Sql("""
                CREATE TABLE "UsageApiCalls" ("Id" INTEGER NOT NULL CONSTRAINT "PK_UsageApiCalls" PRIMARY KEY AUTOINCREMENT, "Window" INTEGER NOT NULL,
                    "WindowStart" INTEGER NOT NULL, "OrganisationId" INTEGER NOT NULL, "ProjectId" INTEGER NOT NULL, "EnvironmentId" INTEGER NOT NULL,
                    "Resource" TEXT NOT NULL, "StatusClass" INTEGER NOT NULL, "Count" INTEGER NOT NULL);
                """);
            migrationBuilder.Sql("""
                CREATE TABLE "UsageEvaluations" ("Id" INTEGER NOT NULL CONSTRAINT "PK_UsageEvaluations" PRIMARY KEY AUTOINCREMENT, "Window" INTEGER NOT NULL,
                    "WindowStart" INTEGER NOT NULL, "OrganisationId" INTEGER NOT NULL, "ProjectId" INTEGER NOT NULL, "EnvironmentId" INTEGER NOT NULL,
                    "Feature" TEXT NOT NULL, "Count" INTEGER NOT NULL);
                """);
            migrationBuilder.CreateIndex(name: "IX_UsageApiCalls_Key", table: "UsageApiCalls", columns: new[] { "Window", "OrganisationId", "WindowStart", "ProjectId", "EnvironmentId", "Resource", "StatusClass" }, unique: true);
            migrationBuilder.CreateIndex(name: "IX_UsageEvaluations_Environment", table: "UsageEvaluations", columns: new[] { "Window", "EnvironmentId", "WindowStart" });
            migrationBuilder.CreateIndex(name: "IX_UsageEvaluations_Key", table: "UsageEvaluations", columns: new[] { "Window", "OrganisationId", "WindowStart", "ProjectId", "EnvironmentId", "Feature" }, unique: true);
        }
    }
}
