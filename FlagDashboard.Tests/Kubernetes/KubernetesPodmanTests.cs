using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlagDashboard.Tests.Container;
using FlagDashboard.Tests.Infrastructure;

namespace FlagDashboard.Tests.Kubernetes;

/// <summary>
/// The <c>single</c> overlay played for real with <c>podman kube play</c> on the image the container checks build, with the
/// README's commands ("Trying <c>single</c> without a cluster"). The test's own overlay on top of <c>single</c> changes only
/// what must not collide with anything else on the machine: the names (so the pod and the volume), the image tag and the port.
/// Skipped, never passed, where podman cannot run.
/// </summary>
[Collection(ContainerImageCollection.Name)]
public sealed class KubernetesPodmanTests(ContainerImage image, ITestOutputHelper output)
{
    private const string Render = "kubectl kustomize deploy/kubernetes/overlays/single > flagdashboard-kube.yaml";
    private const string Play = "podman kube play flagdashboard-kube.yaml";
    private const string StopPod = "podman pod stop --time 45 flagdashboard-pod-0";
    private const string Down = "podman kube down flagdashboard-kube.yaml";
    private const string LeaveOutClaim = """awk 'BEGIN { RS = "\n---\n"; ORS = "\n---\n" } !/\nkind: PersistentVolumeClaim\n/' flagdashboard-kube.yaml > flagdashboard-pod.yaml""";
    private const string PlayAgain = "podman kube play flagdashboard-pod.yaml";
    private const string DownAgain = "podman kube down flagdashboard-pod.yaml";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_single_overlay_plays_with_podman_and_keeps_its_data_across_kube_down_and_a_second_play()
    {
        var readme = KubernetesReadme.Section();
        foreach (var command in new[] { Render, Play, StopPod, Down, LeaveOutClaim, PlayAgain })
        {
            Assert.Contains(command, readme, StringComparison.Ordinal);
        }

        Assert.SkipWhen(image.SkipReason is not null, image.SkipReason ?? "");
        Assert.SkipWhen(!File.Exists("/usr/bin/catatonit") && !File.Exists("/usr/libexec/podman/catatonit"),
            "podman kube play needs catatonit for its pause container (apt-get install catatonit)");

        await using var play = await KubePlay.CreateAsync(image);
        var rendered = await File.ReadAllTextAsync(play.KubeFile, Cancel);
        Assert.Contains("terminationGracePeriodSeconds: 45\n", rendered, StringComparison.Ordinal);

        await play.RunAsync(Play);
        var first = play.Container();
        await first.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        await first.ImportSampleAsync();
        var apiKey = await first.CreateApiKeyAsync();
        int project;
        using (var admin = first.CreateClient("api/admin/", "Authorization", $"Api-Key {apiKey}"))
        {
            project = JsonNode.Parse(await admin.GetStringAsync("projects", Cancel))!["items"]!.AsArray().Single()!["id"]!.GetValue<int>();
            var created = await admin.PostAsJsonAsync($"projects/{project}/features", new { name = "made_in_the_kube_pod", initialValue = "kept" }, Cancel);
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        const int calls = 23;
        using (var sdk = first.CreateClient("api/v1/", "X-Environment-Key", ImportedEnvironment.ClientKey))
        {
            for (var i = 0; i < calls; i++)
            {
                (await sdk.GetAsync("flags/", Cancel)).EnsureSuccessStatusCode();
            }
        }

        var exitCode = await play.StopAsync();
        var log = await first.LogsAsync();
        Assert.True(exitCode == "0", $"the app exited {exitCode} on SIGTERM:\n{log}");
        Assert.Contains("Application is shutting down", log, StringComparison.Ordinal);
        await play.RunAsync(Down);
        Assert.True((await image.Podman.RunAsync("volume", "exists", play.Volume)).ExitCode == 0, $"kube down removed the volume {play.Volume}");

        await play.RunAsync(LeaveOutClaim);
        await play.RunAsync(PlayAgain);
        var second = play.Container();
        await second.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        using (var admin = second.CreateClient("api/admin/", "Authorization", $"Api-Key {apiKey}"))
        {
            var features = JsonNode.Parse(await admin.GetStringAsync($"projects/{project}/features?pageSize=500", Cancel))!["items"]!.AsArray();
            Assert.Contains(features, feature => feature!["name"]!.GetValue<string>() == "made_in_the_kube_pod");
        }

        using (var usage = second.CreateClient("api/usage/", "Authorization", $"Api-Key {apiKey}"))
        {
            var series = JsonNode.Parse(await usage.GetStringAsync("series?metric=api_calls&scope=organisation", Cancel))!;
            Assert.Equal(calls, series["total"]!.GetValue<long>());
        }

        Assert.Equal("0", await play.StopAsync());
        await play.RunAsync(DownAgain);
        Check($"podman kube play of the single overlay: /health answered; a feature made through the admin API and the {calls} SDK calls " +
            "sent before the stop were there after kube down and a second play on the same volume; the app exited 0 on each stop");
    }

    private void Check(string line)
    {
        output.WriteLine(line);
        image.Report.Add($"ok: {line}");
    }

    /// <summary>
    /// A folder holding the test's overlay and the files the README's commands make, run there with bash and with
    /// podman as this machine needs it; everything made is removed at the end, the image's extra tag too.
    /// </summary>
    private sealed class KubePlay : IAsyncDisposable
    {
        private readonly ContainerImage _image;
        private readonly string _work;
        private readonly string _suffix;
        private readonly string _tag;
        private readonly int _port;

        private KubePlay(ContainerImage image, string work, string suffix, int port)
        {
            _image = image;
            _work = work;
            _suffix = suffix;
            _port = port;
            _tag = $"localhost/flagdashboard-kubetest:{suffix.TrimStart('-')}";
        }

        public string KubeFile => Path.Combine(_work, "flagdashboard-kube.yaml");

        public string Pod => $"flagdashboard{_suffix}-pod-0";

        public string Volume => $"flagdashboard-data{_suffix}";

        public static async Task<KubePlay> CreateAsync(ContainerImage image)
        {
            var suffix = $"-kubetest-{Guid.NewGuid().ToString("N")[..8]}";
            var work = Path.Combine(Path.GetTempPath(), $"flagdashboard{suffix}");
            Directory.CreateDirectory(work);
            var play = new KubePlay(image, work, suffix, AppProcess.FreePort());
            await image.Podman.CheckedAsync("tag", image.Id!, play._tag);
            var overlay = Path.GetRelativePath(work, Path.Combine(AppPaths.RepositoryRoot, "deploy", "kubernetes", "overlays", "single"));
            await File.WriteAllTextAsync(Path.Combine(work, "kustomization.yaml"), $"""
                # The single overlay as the README renders it, under names, an image tag and a port of this test's own.
                resources:
                  - {overlay}
                nameSuffix: {suffix}
                images:
                  - name: flagdashboard
                    newName: {play._tag.Split(':')[0]}
                    newTag: "{play._tag.Split(':')[1]}"
                patches:
                  - target:
                      kind: Deployment
                    patch: |-
                      - op: replace
                        path: /spec/template/spec/containers/0/ports/0/containerPort
                        value: {play._port}
                      - op: add
                        path: /spec/template/spec/containers/0/env/-
                        value:
                          name: Urls
                          value: http://+:{play._port}
                """, Cancel);
            await play.RunAsync("kubectl kustomize . > flagdashboard-kube.yaml");
            return play;
        }

        /// <summary>The app's container in the played pod, reached on the published port.</summary>
        public RunningContainer Container() => new(_image, $"{Pod}-flagdashboard", _port);

        /// <summary>Runs one of the README's commands in the folder, with the test's pod name.</summary>
        public async Task<string> RunAsync(string command)
        {
            var script = $"""
                podman() {"{"} command podman --runtime runc --cgroup-manager cgroupfs "$@"; {"}"}
                set -e
                {command.Replace("flagdashboard-pod-0", Pod, StringComparison.Ordinal)}
                """;
            var result = await CommandResult.RunProgramAsync("bash", ["-c", script],
                new Dictionary<string, string> { ["CONTAINERS_CONF"] = _image.Podman.ContainersConf }, _work, TimeSpan.FromMinutes(3));
            return result.ExitCode == 0
                ? result.Output
                : throw new InvalidOperationException($"{command} exited {result.ExitCode}:\n{result.Error}{result.Output}");
        }

        /// <summary>Stops the pod with the README's command and returns the app's exit code.</summary>
        public async Task<string> StopAsync()
        {
            var container = $"{Pod}-flagdashboard";
            await RunAsync(StopPod);
            return await _image.Podman.CheckedAsync("inspect", "--format", "{{.State.ExitCode}}", container);
        }

        public async ValueTask DisposeAsync()
        {
            await _image.Podman.RunAsync("pod", "rm", "-f", "-t", "0", Pod);
            await _image.Podman.RunAsync("volume", "rm", "-f", Volume);
            await _image.Podman.RunAsync("untag", _image.Id!, _tag);
            Directory.Delete(_work, recursive: true);
        }
    }
}
