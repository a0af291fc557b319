using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

/// <summary>The context reader and the result writer.</summary>
public sealed class EvaluationJsonTests
{
    private const string Context = """
        // JSONC: comments and trailing commas
        {
          "environment": { "key": "env", "name": "Env" },
          "identity": { "identifier": "alice", "traits": { "n": 1.0, "i": 1, "b": true, "s": "1", "z": null, }, },
          "segments": {
            "7": {
              "key": "7", "name": "doubles",
              "rules": [ { "type": "ALL", "conditions": [ { "property": "n", "operator": "EQUAL", "value": "1" } ] } ],
              "metadata": { "owner": "me" },
            },
          },
          "features": {
            "int":    { "key": "1", "name": "int",    "enabled": true,  "value": 1 },
            "double": { "key": "2", "name": "double", "enabled": true,  "value": 1.0, "metadata": {} },
            "bool":   { "key": "3", "name": "bool",   "enabled": false, "value": true, "metadata": { "a": [1, 2.50] } },
            "null":   { "key": "4", "name": "null",   "enabled": false, "value": null },
            "big":    { "key": "5", "name": "big",    "enabled": true,  "value": 123456789012345678901234567890 },
            "text":   { "key": "6", "name": "text",   "enabled": true,  "value": "caf\u00e9 \"q\"" },
            "obj":    { "key": "7", "name": "obj",    "enabled": true,  "value": { "x": [1.0, "y"] } },
          },
        }
        """;

    [Fact]
    public void TheWriterKeepsEveryValuesJsonKind()
    {
        var result = CompiledEnvironment.EvaluateContext(EvaluationContextReader.Parse(Context));

        var json = EvaluationResultWriter.ToJson(result);

        Assert.Equal(
            "{\"flags\":{" +
            "\"int\":{\"name\":\"int\",\"enabled\":true,\"value\":1,\"reason\":\"DEFAULT\",\"variant\":null}," +
            "\"double\":{\"name\":\"double\",\"enabled\":true,\"value\":1.0,\"reason\":\"DEFAULT\",\"variant\":null}," +
            "\"bool\":{\"name\":\"bool\",\"enabled\":false,\"value\":true,\"reason\":\"DEFAULT\",\"variant\":null,\"metadata\":{\"a\":[1,2.50]}}," +
            "\"null\":{\"name\":\"null\",\"enabled\":false,\"value\":null,\"reason\":\"DEFAULT\",\"variant\":null}," +
            "\"big\":{\"name\":\"big\",\"enabled\":true,\"value\":123456789012345678901234567890,\"reason\":\"DEFAULT\",\"variant\":null}," +
            "\"text\":{\"name\":\"text\",\"enabled\":true,\"value\":\"café \\\"q\\\"\",\"reason\":\"DEFAULT\",\"variant\":null}," +
            "\"obj\":{\"name\":\"obj\",\"enabled\":true,\"value\":{\"x\":[1.0,\"y\"]},\"reason\":\"DEFAULT\",\"variant\":null}" +
            "},\"segments\":[{\"name\":\"doubles\",\"metadata\":{\"owner\":\"me\"}}]}",
            json);
    }

    [Fact]
    public void TheReaderKeepsTraitKindsApart()
    {
        var context = EvaluationContextReader.Parse(Context);

        var traits = context.Identity!.Traits;
        Assert.Equal(EngineValueKind.Double, traits["n"].Kind);
        Assert.Equal(EngineValueKind.Integer, traits["i"].Kind);
        Assert.Equal(EngineValueKind.Bool, traits["b"].Kind);
        Assert.Equal(EngineValueKind.String, traits["s"].Kind);
        Assert.True(traits["z"].IsNull);
        Assert.Equal(["n", "i", "b", "s", "z"], traits.Keys);
    }

    [Fact]
    public void DoublesAreWrittenAsPythonWritesThem()
    {
        Assert.Equal("1e+16", EngineValue.FromDouble(1e16).ToJson());
        Assert.Equal("2.0", EngineValue.FromDouble(2).ToJson());
        Assert.Equal("1.5e-05", EngineValue.FromDouble(1.5e-5).ToJson());
    }

    [Theory]
    [InlineData("{", "$")]
    [InlineData("[]", "$")]
    [InlineData("{}", "$.environment")]
    [InlineData("{\"environment\":{\"name\":\"x\"}}", "$.environment.key")]
    [InlineData("{\"environment\":{\"key\":1}}", "$.environment.key")]
    [InlineData("{\"environment\":{\"key\":\"e\"},\"identity\":{\"traits\":{}}}", "$.identity.identifier")]
    [InlineData("{\"environment\":{\"key\":\"e\"},\"identity\":{\"identifier\":\"u\",\"traits\":{\"a b\":[1]}}}", "$.identity.traits['a b']")]
    [InlineData("{\"environment\":{\"key\":\"e\"},\"features\":{\"f\":{\"key\":\"1\",\"name\":\"f\",\"enabled\":\"yes\"}}}", "$.features.f.enabled")]
    [InlineData("{\"environment\":{\"key\":\"e\"},\"features\":{\"f\":{\"key\":\"1\",\"name\":\"f\",\"enabled\":true,\"variants\":[{\"value\":1,\"weight\":\"50\",\"priority\":1}]}}}", "$.features.f.variants[0].weight")]
    [InlineData("{\"environment\":{\"key\":\"e\"},\"segments\":{\"1\":{\"name\":\"s\",\"rules\":[{\"type\":\"ALL\",\"conditions\":[{\"property\":\"p\",\"value\":\"v\"}]}]}}}", "$.segments['1'].rules[0].conditions[0].operator")]
    [InlineData("{\"environment\":{\"key\":\"e\"},\"segments\":{\"1\":{\"name\":\"s\",\"rules\":[],\"overrides\":[{\"key\":\"1\",\"enabled\":true}]}}}", "$.segments['1'].overrides[0].name")]
    public void ReaderErrorsNameThePathOfTheBadField(string json, string path)
    {
        var error = Assert.Throws<EvaluationContextFormatException>(() => EvaluationContextReader.Parse(json));

        Assert.Equal(path, error.JsonPath);
        Assert.StartsWith(path + ": ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PrioritiesMayBeWrittenAsInfinityStrings()
    {
        var context = EvaluationContextReader.Parse("""
            { "environment": { "key": "e", "name": "E" },
              "segments": { "1": { "key": "1", "name": "s", "rules": [],
                "overrides": [ { "key": "1", "name": "f", "enabled": true, "value": 1, "priority": "-Infinity" } ] } } }
            """);

        Assert.Equal(double.NegativeInfinity, context.Segments[0].Overrides[0].Priority);
    }

    [Fact]
    public void StoredFlagValuesKeepTheirKindInTheEngine()
    {
        Assert.Equal(EngineValue.FromDouble(1.0), FlagDashboard.Core.Flags.FlagValue.FromDouble(1.0).ToEngineValue());
        Assert.Equal(EngineValue.FromInteger(1), FlagDashboard.Core.Flags.FlagValue.FromInteger(1).ToEngineValue());
        Assert.Equal(EngineValue.FromBool(true), FlagDashboard.Core.Flags.FlagValue.FromBool(true).ToEngineValue());
        Assert.Equal(EngineValue.FromString("1"), FlagDashboard.Core.Flags.FlagValue.FromString("1").ToEngineValue());
        Assert.True(FlagDashboard.Core.Flags.FlagValue.None.ToEngineValue().IsNull);
        Assert.NotEqual(EngineValue.FromDouble(1.0), EngineValue.FromInteger(1));
    }
}
