namespace FlagDashboard.Core.Data.MigrationSql;

/// <summary>
/// The data step of the UsageRollups migration, the same text on SQLite and PostgreSQL: counts move to the
/// key-ordered tables, evaluations from feature names to feature ids (counts of features deleted since are
/// dropped: nothing shows them), the per-project series is summed from them, and the windows the new store
/// would otherwise never roll up are queued (the 1-day windows over the hours kept so far, and the quarters
/// and hours of the 1-minute days, which flushes wrote partly).
/// </summary>
public static class UsageRollupsSql
{
    private const string Day = "864000000000";
    private const string Hour = "36000000000";
    private const string Quarter = "9000000000";
    private const string Epoch = "621355968000000000";

    public static IReadOnlyList<string> CopyAndQueue { get; } =
    [
        """
        INSERT INTO "UsageApiCallCounts" ("Window", "OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "Resource", "StatusClass", "Count")
        SELECT "Window", "OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "Resource", "StatusClass", "Count" FROM "UsageApiCalls"
        """,
        """
        INSERT INTO "UsageEvaluationCounts" ("Window", "OrganisationId", "ProjectId", "EnvironmentId", "WindowStart", "FeatureId", "Count")
        SELECT e."Window", e."OrganisationId", e."ProjectId", e."EnvironmentId", e."WindowStart", f."Id", SUM(e."Count")
        FROM "UsageEvaluations" e JOIN "Features" f ON f."ProjectId" = e."ProjectId" AND f."Name" = e."Feature"
        GROUP BY e."Window", e."OrganisationId", e."ProjectId", e."EnvironmentId", e."WindowStart", f."Id"
        """,
        """
        INSERT INTO "UsageProjectEvaluationCounts" ("Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId", "Count")
        SELECT "Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId", SUM("Count") FROM "UsageEvaluationCounts"
        GROUP BY "Window", "OrganisationId", "ProjectId", "WindowStart", "FeatureId"
        """,
        Queue(3, Day, 2),
        Queue(2, Hour, 0),
        Queue(1, Quarter, 0),
    ];

    private static string Queue(int window, string length, int from) => $"""
        INSERT INTO "UsageRollups" ("Window", "WindowStart")
        SELECT {window}, s FROM (
            SELECT "WindowStart" - (("WindowStart" - {Epoch}) % {length}) AS s FROM "UsageApiCallCounts" WHERE "Window" = {from}
            UNION
            SELECT "WindowStart" - (("WindowStart" - {Epoch}) % {length}) FROM "UsageEvaluationCounts" WHERE "Window" = {from}) w
        """;
}
