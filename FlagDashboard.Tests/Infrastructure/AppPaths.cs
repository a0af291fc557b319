namespace FlagDashboard.Tests.Infrastructure;

/// <summary>Where the app was built: its own output folder, so that its static web assets manifest is found.</summary>
public static class AppPaths
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string AppProjectDirectory => Path.Combine(RepositoryRoot, "FlagDashboard");

    public static string AppAssembly
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(AppProjectDirectory, "bin", configuration, "net10.0", "FlagDashboard.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build the solution first: the app's own output is used.", path);
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "FlagDashboard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new DirectoryNotFoundException("FlagDashboard.sln not found above the test output folder.");
    }
}
