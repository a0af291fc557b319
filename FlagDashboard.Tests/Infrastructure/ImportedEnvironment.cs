using System.Text.Json.Nodes;
using FlagDashboard.Tests.Import;

namespace FlagDashboard.Tests.Infrastructure;

/// <summary>A running app with the sample Flagsmith document imported on the command line.</summary>
public sealed class ImportedEnvironment : IAsyncLifetime
{
    public const string ClientKey = SampleDocuments.DevelopmentKey;

    public AppProcess App { get; private set; } = null!;

    public string ServerKey { get; private set; } = "";

    public static string SamplePath => Path.Combine(AppContext.BaseDirectory, "Import", "Samples", SampleDocuments.Development);

    public async ValueTask InitializeAsync()
    {
        App = await AppProcess.StartAsync();
        var imported = await App.RunVerbAsync("import", "--organisation", "Acme", "--project", "Web", SamplePath);
        if (imported.ExitCode != 0)
        {
            throw new InvalidOperationException($"import failed: {imported.Error}");
        }

        ServerKey = imported.Output.TrimEnd().Split('\n')[^1];
    }

    /// <summary>Writes the sample document with one feature's value changed, for an import that changes it.</summary>
    public string WriteChangedDocument(string feature, string value)
    {
        var document = SampleDocuments.Tree();
        foreach (var state in document["feature_states"]!.AsArray())
        {
            if (state!["feature"]!["name"]!.GetValue<string>() == feature)
            {
                state["feature_state_value"] = JsonValue.Create(value);
            }
        }

        var path = Path.Combine(App.DataDirectory, $"changed-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, document.ToJsonString());
        return path;
    }

    public HttpClient CreateSdkClient(string? key = ClientKey)
    {
        var client = App.CreateClient();
        client.BaseAddress = new Uri(App.BaseAddress, "api/v1/");
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Environment-Key", key);
        }

        return client;
    }

    public async ValueTask DisposeAsync()
    {
        // Null when the start failed: that failure is the one to report, not a second one from the clean-up.
        if (App is { } app)
        {
            await app.DisposeAsync();
        }
    }
}
