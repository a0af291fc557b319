using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Kubernetes;

/// <summary>
/// deploy/kubernetes rendered exactly as the README tells users to (<c>kubectl kustomize</c>), each object validated against
/// the Kubernetes schemas and FlagDashboard's rules by manifest-check/check.mjs (npm kubernetes-models 5.1.0 under Node).
/// </summary>
public sealed class KubernetesManifestTests(ITestOutputHelper output)
{
    private static readonly SemaphoreSlim NpmInstall = new(1, 1);

    private static string CheckDirectory => Path.Combine(AppPaths.RepositoryRoot, "FlagDashboard.Tests", "Kubernetes", "manifest-check");

    [Theory]
    [InlineData("single")]
    [InlineData("scaled")]
    public async Task Each_overlay_renders_and_every_object_validates_hardened_and_sized(string overlay)
    {
        var rendered = await RenderAsync(overlay);

        var check = await CheckAsync(overlay, rendered);

        output.WriteLine(check.Output);
        Assert.True(check.ExitCode == 0, $"{check.Error}\n{check.Output}");
        Assert.Contains("ok: every pod", check.Output, StringComparison.Ordinal);
        Assert.Contains($"ok: {overlay}:", check.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("single")]
    [InlineData("scaled")]
    public async Task The_readme_tells_how_to_apply_each_overlay_and_create_every_secret_it_reads(string overlay)
    {
        var readme = KubernetesReadme.Section();
        var check = await CheckAsync(overlay, await RenderAsync(overlay));

        Assert.Contains($"kubectl apply -k deploy/kubernetes/overlays/{overlay}", readme, StringComparison.Ordinal);
        var secrets = check.Output.Split('\n').Where(line => line.StartsWith("secret: ", StringComparison.Ordinal))
            .Select(line => line.Split(' ')).ToList();
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
        {
            Assert.Contains($"kubectl create secret generic {secret[1]} ", readme, StringComparison.Ordinal);
            Assert.Contains($"--from-literal={secret[2]}=", readme, StringComparison.Ordinal);
        }
    }

    /// <summary>Runs <c>kubectl kustomize deploy/kubernetes/overlays/OVERLAY</c> from the repository root, as the README does.</summary>
    internal static async Task<string> RenderAsync(string overlay)
    {
        var render = await CommandResult.RunProgramAsync("kubectl", ["kustomize", $"deploy/kubernetes/overlays/{overlay}"],
            new Dictionary<string, string>(), AppPaths.RepositoryRoot, TimeSpan.FromMinutes(1));
        Assert.True(render.ExitCode == 0, $"kubectl kustomize failed:\n{render.Error}");
        return render.Output;
    }

    private static async Task<CommandResult> CheckAsync(string overlay, string rendered)
    {
        await EnsurePackagesAsync();
        var file = Path.Combine(Path.GetTempPath(), $"flagdashboard-{overlay}-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, rendered, TestContext.Current.CancellationToken);
        try
        {
            return await CommandResult.RunProgramAsync("node", ["check.mjs", overlay, file], new Dictionary<string, string>(), CheckDirectory, TimeSpan.FromMinutes(1));
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task EnsurePackagesAsync()
    {
        await NpmInstall.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!File.Exists(Path.Combine(CheckDirectory, "node_modules", ".package-lock.json")))
            {
                var install = await CommandResult.RunProgramAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"],
                    new Dictionary<string, string>(), CheckDirectory, TimeSpan.FromMinutes(5));
                Assert.True(install.ExitCode == 0, $"npm ci failed:\n{install.Output}{install.Error}");
            }
        }
        finally
        {
            NpmInstall.Release();
        }
    }
}
