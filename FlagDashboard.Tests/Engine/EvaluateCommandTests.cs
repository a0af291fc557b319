using FlagDashboard.Core.Engine;

namespace FlagDashboard.Tests.Engine;

public sealed class EvaluateCommandTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("evaluate-command-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        return path;
    }

    private static string Context(string featureValue) =>
        $$"""{ "environment": { "key": "env", "name": "E" }, "features": { "f": { "key": "1", "name": "f", "enabled": true, "value": {{featureValue}} } } }""";

    [Fact]
    public void AGoodFilePrintsItsResultAsOneLine()
    {
        var file = Write("good.json", Context("1.0"));
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = EvaluateCommand.Run([file], output, error);

        Assert.Equal(0, exitCode);
        Assert.Equal("{\"flags\":{\"f\":{\"name\":\"f\",\"enabled\":true,\"value\":1.0,\"reason\":\"DEFAULT\",\"variant\":null}},\"segments\":[]}" + Environment.NewLine, output.ToString());
        Assert.Equal("", error.ToString());
    }

    [Fact]
    public void BadFilesPrintAnErrorLineEachAndTheCommandGoesOnInOrder()
    {
        var first = Write("first.jsonc", "// comment\n" + Context("\"one\""));
        var broken = Write("broken.json", "{ \"environment\": ");
        var missing = Path.Combine(_directory, "missing.json");
        var wrongShape = Write("shape.json", "{ \"environment\": { \"key\": 5 } }");
        var last = Write("last.json", Context("2"));
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = EvaluateCommand.Run([first, broken, missing, wrongShape, last], output, error);

        Assert.NotEqual(0, exitCode);
        var results = output.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, results.Length);
        Assert.Contains("\"value\":\"one\"", results[0], StringComparison.Ordinal);
        Assert.Contains("\"value\":2", results[1], StringComparison.Ordinal);
        var errors = error.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, errors.Length);
        Assert.StartsWith(broken + ": ", errors[0], StringComparison.Ordinal);
        Assert.StartsWith(missing + ": ", errors[1], StringComparison.Ordinal);
        Assert.StartsWith(wrongShape + ": $.environment.key: ", errors[2], StringComparison.Ordinal);
    }

    [Fact]
    public void AnUnreadableFileFailsTheCommand()
    {
        var output = new StringWriter();
        var error = new StringWriter();

        var exitCode = EvaluateCommand.Run([_directory], output, error); // a directory cannot be read as a file

        Assert.Equal(1, exitCode);
        Assert.Equal("", output.ToString());
        Assert.StartsWith(_directory + ": ", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void NoFilesIsAUsageError()
    {
        var error = new StringWriter();

        Assert.NotEqual(0, EvaluateCommand.Run([], new StringWriter(), error));
        Assert.NotEqual("", error.ToString());
    }
}
