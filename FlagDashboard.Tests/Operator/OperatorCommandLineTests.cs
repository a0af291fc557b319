using System.Text.Json.Nodes;
using FlagDashboard.Tests.Import;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Operator;

/// <summary>The operator verbs, run as an operator runs them: the real executable on a fresh data directory.</summary>
public sealed class OperatorCommandLineTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "flagdashboard-tests", Guid.NewGuid().ToString("N"));

    public OperatorCommandLineTests() => Directory.CreateDirectory(_dataDirectory);

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dataDirectory, recursive: true);
    }

    [Fact]
    public async Task ImportThenExportGivesAnEquivalentDocument()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Import", "Samples", SampleDocuments.Development);
        var exported = Path.Combine(_dataDirectory, "exported.json");

        var import = await RunAsync("import", "--organisation", "Acme", "--project", "Web", "--environment", "Development", source);
        var serverKey = import.Output.TrimEnd().Split('\n')[^1];
        var export = await RunAsync("export", "--environment", serverKey, exported);

        Assert.True(import.ExitCode == 0, import.Error + import.Output);
        Assert.StartsWith("ser.", serverKey);
        Assert.True(export.ExitCode == 0, export.Error + export.Output);
        Assert.Equal(
            EnvironmentDocumentComparison.Canonical(JsonNode.Parse(await File.ReadAllTextAsync(source, TestContext.Current.CancellationToken))!),
            EnvironmentDocumentComparison.Canonical(JsonNode.Parse(await File.ReadAllTextAsync(exported, TestContext.Current.CancellationToken))!));
    }

    [Fact]
    public async Task ABadDocumentNamesTheFieldExitsNonZeroAndWritesNothing()
    {
        var document = SampleDocuments.Tree();
        document["project"]!["segments"]![0]!["rules"]![0]!["conditions"] = new JsonArray(new JsonObject { ["operator"] = "EQUALS", ["property_"] = "plan", ["value"] = "pro" });
        var path = Path.Combine(_dataDirectory, "bad.json");
        await File.WriteAllTextAsync(path, document.ToJsonString(), TestContext.Current.CancellationToken);

        var import = await RunAsync("import", "--organisation", "Acme", "--project", "Web", path);
        var export = await RunAsync("export", "--environment", SampleDocuments.DevelopmentKey, Path.Combine(_dataDirectory, "out.json"));

        Assert.NotEqual(0, import.ExitCode);
        Assert.Contains("$.project.segments[0].rules[0].conditions[0].operator", import.Error);
        Assert.NotEqual(0, export.ExitCode);
        Assert.Contains("was not found", export.Error);
        Assert.False(File.Exists(Path.Combine(_dataDirectory, "out.json")));
    }

    [Theory]
    [InlineData("1e400", "$.feature_states[0].feature_state_value")]
    [InlineData("\"\\ud800\"", "$.feature_states[0].feature_state_value")]
    [InlineData("\"\u00C3(\"", "$.feature_states[0].feature_state_value")]
    public async Task ADocumentThatCannotBeReadGetsOneErrorLineNotAStackTrace(string value, string path)
    {
        var document = SampleDocuments.Tree();
        document["feature_states"]![0]!["feature_state_value"] = "marker";
        var text = document.ToJsonString().Replace("\"marker\"", value, StringComparison.Ordinal);
        var file = Path.Combine(_dataDirectory, "bad.json");
        // Latin-1 writes "\u00C3(" as the bytes C3 28, which are not UTF-8; the rest of the document is ASCII.
        await File.WriteAllBytesAsync(file, System.Text.Encoding.Latin1.GetBytes(text), TestContext.Current.CancellationToken);

        var import = await RunAsync("import", "--organisation", "Acme", "--project", "Web", file);

        Assert.Equal(1, import.ExitCode);
        Assert.StartsWith($"error: {path}: ", import.Error.TrimStart(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", import.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", import.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EvaluatePrintsOneResultLinePerFileInOrderAndGoesOnPastABadFile()
    {
        var cases = Path.Combine(AppContext.BaseDirectory, "Engine", "Cases");
        var contexts = Directory.GetFiles(cases, "*.jsonc").Order(StringComparer.Ordinal).ToList();
        var missing = Path.Combine(_dataDirectory, "missing.json");

        var result = await RunAsync(["evaluate", contexts[0], missing, .. contexts.Skip(1)]);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("missing.json", result.Error);
        var lines = result.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(contexts.Count, lines.Length);
        for (var i = 0; i < contexts.Count; i++)
        {
            var expected = JsonNode.Parse(await File.ReadAllTextAsync(contexts[i].Replace(".jsonc", ".expected.json"), TestContext.Current.CancellationToken));
            Assert.True(JsonNode.DeepEquals(expected, JsonNode.Parse(lines[i])), $"{Path.GetFileName(contexts[i])}: {lines[i]}");
        }
    }

    [Fact]
    public async Task AMissingFileIsAClearError()
    {
        var result = await RunAsync("import", "--organisation", "Acme", "--project", "Web", Path.Combine(_dataDirectory, "nope.json"));

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("does not exist", result.Error);
    }

    [Fact]
    public async Task AMissingRequiredOptionIsReportedWithUsage()
    {
        var result = await RunAsync("create-api-key", "--name", "ci");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--organisation", result.Error);
    }

    [Fact]
    public async Task CreateAdminRefusesAShortPassword()
    {
        var result = await RunAsync("create-admin", "--email", "a@example.com", "--password", "short");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("at least 10 characters", result.Error);
    }

    private Task<CommandResult> RunAsync(params string[] arguments) =>
        CommandResult.RunAsync(AppPaths.AppAssembly, arguments, new Dictionary<string, string> { ["Database__DataDirectory"] = _dataDirectory });
}
