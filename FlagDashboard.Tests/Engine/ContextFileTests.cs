using System.Text.Encodings.Web;
using System.Text.Json;
using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

/// <summary>
/// Whole contexts from <c>Cases/NAME.jsonc</c>, each evaluated and compared with <c>Cases/NAME.expected.json</c>
/// (expected results worked out by hand from engine.md; comments in each case say how). The comparison is
/// of the compact JSON text, so key order and number literals (<c>1</c> against <c>1.0</c>) count.
/// </summary>
public sealed class ContextFileTests
{
    private static readonly string CasesDirectory = Path.Combine(AppContext.BaseDirectory, "Engine", "Cases");

    public static TheoryData<string> Cases() =>
        [.. Directory.GetFiles(CasesDirectory, "*.jsonc").Select(f => Path.GetFileNameWithoutExtension(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void ThereAreAtLeastFiveCases()
    {
        Assert.True(Cases().Count >= 5);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void EachContextFileEvaluatesToItsExpectedResult(string name)
    {
        var context = EvaluationContextReader.Parse(File.ReadAllText(Path.Combine(CasesDirectory, name + ".jsonc")));

        var actual = EvaluationResultWriter.ToJson(CompiledEnvironment.EvaluateContext(context));

        Assert.Equal(Compact(File.ReadAllText(Path.Combine(CasesDirectory, name + ".expected.json"))), actual);
    }

    private static string Compact(string json)
    {
        using var document = JsonDocument.Parse(json, EvaluationContextReader.DocumentOptions);
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            document.RootElement.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
