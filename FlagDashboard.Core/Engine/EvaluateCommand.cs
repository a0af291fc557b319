namespace FlagDashboard.Core.Engine;

/// <summary>
/// The <c>evaluate FILE...</c> verb: for each context file, in order, one line of result JSON on
/// <c>output</c>; a file that cannot be read or parsed gives one line on <c>error</c> naming the file and the
/// reason, and the command goes on.
/// </summary>
public static class EvaluateCommand
{
    /// <returns>0 when every file was evaluated, 1 when any failed, 2 when no file was given.</returns>
    public static int Run(IReadOnlyList<string> files, TextWriter output, TextWriter error)
    {
        if (files.Count == 0)
        {
            error.WriteLine("evaluate: give one or more evaluation-context files (JSON or JSONC).");
            return 2;
        }

        var failed = false;
        foreach (var file in files)
        {
            string line;
            try
            {
                var context = EvaluationContextReader.Parse(File.ReadAllText(file));
                line = EvaluationResultWriter.ToJson(CompiledEnvironment.EvaluateContext(context));
            }
            catch (Exception exception) when (exception is not OutOfMemoryException)
            {
                error.WriteLine($"{file}: {exception.Message}");
                failed = true;
                continue;
            }

            output.WriteLine(line);
        }

        return failed ? 1 : 0;
    }
}
