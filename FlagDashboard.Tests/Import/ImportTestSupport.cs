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
            command.CommandText = $"SELECT * FROM \"{table}\" ORDER BY {database.StableRowOrder}";
            await using var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken);
            var rows = 0;
            var body = new StringBuilder();
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
            {
                rows++;
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    var value = reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture);
                    body.Append(CultureInfo.InvariantCulture, $"{reader.GetName(i)}={value}|");
                }

                body.AppendLine();
            }

            text.AppendLine(CultureInfo.InvariantCulture, $"== {table}: {rows} rows").Append(body);
        }

        return text.ToString();
    }
}
