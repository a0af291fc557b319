using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Kubernetes;

/// <summary>The README's "Kubernetes" section, whose commands the Kubernetes tests run.</summary>
internal static class KubernetesReadme
{
    public static string Section()
    {
        var readme = File.ReadAllText(Path.Combine(AppPaths.RepositoryRoot, "README.md"));
        var start = readme.IndexOf("\n## Kubernetes\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no \"## Kubernetes\" section");
        var end = readme.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }
}
