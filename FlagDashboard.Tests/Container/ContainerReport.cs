using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Container;

/// <summary>
/// What the container checks found (image size and make-up, each check, memory), written to TestResults/container-report.txt,
/// which the test command prints at the end: passing tests' output is not shown by the runner.
/// </summary>
public sealed class ContainerReport
{
    public static string FilePath { get; } = Path.Combine(AppPaths.RepositoryRoot, "TestResults", "container-report.txt");

    private readonly List<string> _lines = [];

    public void Add(string line)
    {
        lock (_lines)
        {
            _lines.Add(line);
        }
    }

    public void Save()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        lock (_lines)
        {
            File.WriteAllLines(FilePath, _lines);
        }
    }
}
