using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Import;

/// <summary>The sample documents in <c>Import/Samples</c>, as text or as a tree to change before importing.</summary>
internal static class SampleDocuments
{
    public const string Development = "environment-document.json";
    public const string DevelopmentKey = "B62qaMZNwfiqT76P38ZKiT";

    public static string Text(string name = Development) =>
        File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Import", "Samples", name));

    public static JsonObject Tree(string name = Development) => JsonNode.Parse(Text(name))!.AsObject();

    public static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    public static MemoryStream Stream(JsonNode document) => Stream(document.ToJsonString());
}

/// <summary>Every row of every table, as text: two snapshots are equal when the content is byte-for-byte the same.</summary>
internal static class DatabaseSnapshot
{
    public static async Task<string> TakeAsync(TestDatabase database, params string[] excludedTables)
    {
        await using var connection = database.CreateConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        var tables = new List<string>();
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = database.TableNamesQuery;
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                tables.Add(reader.GetString(0));
            }
        }

        var text = new StringBuilder();
        foreach (var table in tables.Except(excludedTables))
        {
            await using var command = connection.CreateCommand();
            // Rows sorted as text: some tables have no rowid (WITHOUT ROWID), and the comparison needs only a fixed order.
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var lines = new List<string>();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                var row = new StringBuilder();
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                    row.Append(CultureInfo.InvariantCulture, $"{reader.GetName(i)}={value}|");
                }

                lines.Add(row.ToString());
            }

            lines.Sort(StringComparer.Ordinal);
            var rows = lines.Count;
            var body = new StringBuilder();
            foreach (var line in lines)
            {
                body.AppendLine(line);
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"== {table}: {rows} rows").Append(body);
        }

        return text.ToString();
    }
}
