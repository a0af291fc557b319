using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace FlagDashboard.Migrations.Postgres.Migrations
{
    /// <summary>
    /// Announces every change of an environment's SDK answers (its DocumentUpdatedAt stamp, set in the same
    /// transaction as the change) on the channel <c>flagdashboard_environment_changed</c>, with the environment's
    /// id as payload. PostgreSQL delivers it at commit to every listening connection, whichever instance,
    /// command-line verb or SQL session wrote it.
    /// </summary>
    public partial class EnvironmentChangeNotifications : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                CREATE FUNCTION flagdashboard_notify_environment_changed() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF TG_OP = 'DELETE' THEN
                        PERFORM pg_notify('flagdashboard_environment_changed', OLD."Id"::text);
                    ELSE
                        PERFORM pg_notify('flagdashboard_environment_changed', NEW."Id"::text);
                    END IF;
                    RETURN NULL;
                END
                $$;
                """);
            migrationBuilder.Sql("""
                CREATE TRIGGER "Environments_NotifyChanged"
                AFTER INSERT OR DELETE OR UPDATE OF "DocumentUpdatedAt" ON "Environments"
                FOR EACH ROW EXECUTE FUNCTION flagdashboard_notify_environment_changed();
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""DROP TRIGGER IF EXISTS "Environments_NotifyChanged" ON "Environments";""");
            migrationBuilder.Sql("DROP FUNCTION IF EXISTS flagdashboard_notify_environment_changed();");
        }
    }
}
