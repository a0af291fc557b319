using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;

namespace FlagDashboard.Tests.Hosting;

/// <summary>
/// An exception that nothing handles, on an API path, answers problem details: the dashboard's error page is
/// for people, and re-running it for an API path answered an empty 404 or a redirect to the sign-in page.
/// </summary>
public sealed class ApiServerErrorTests
{
    [Fact]
    public async Task AnUnhandledExceptionOnAnApiPathIsAProblemDetails500()
    {
        await using var app = await AppProcess.StartAsync();
        var created = await app.RunVerbAsync("create-api-key", "--organisation", "Acme", "--name", "tests");
        Assert.True(created.ExitCode == 0, created.Error);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", $"Api-Key {created.Output.Trim().Split('\n')[^1].Trim()}");
        using var project = await client.PostAsync("api/admin/projects", JsonContent("{\"name\":\"Shop\"}"), Cancel);
        var projectId = JsonNode.Parse(await project.Content.ReadAsStringAsync(Cancel))!["id"]!.GetValue<int>();
        // A failure the app cannot foresee: the segments table is gone from under it.
        await using (var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataDirectory, "flagdashboard.db")};Pooling=False"))
        {
            await connection.OpenAsync(Cancel);
            await using var command = connection.CreateCommand();
            command.CommandText = "ALTER TABLE Segments RENAME TO SegmentsGone";
            await command.ExecuteNonQueryAsync(Cancel);
        }

        // Also for a client that asked for HTML: an API answers JSON.
        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/admin/projects/{projectId}/segments");
        request.Headers.Accept.ParseAdd("text/html");
        using var response = await client.SendAsync(request, Cancel);
        var text = await response.Content.ReadAsStringAsync(Cancel);

        Assert.True(response.StatusCode == HttpStatusCode.InternalServerError, $"{(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonNode.Parse(text)!;
        Assert.Equal(500, problem["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(problem["title"]?.GetValue<string>()));
        // What failed stays in the log, not in the answer.
        Assert.DoesNotContain("SegmentsGone", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Segments", text, StringComparison.Ordinal);
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private static StringContent JsonContent(string json) => new(json, System.Text.Encoding.UTF8, "application/json");
}
