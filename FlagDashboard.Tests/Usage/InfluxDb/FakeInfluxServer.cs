using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlagDashboard.Tests.Usage.InfluxDb;

/// <summary>One request as the fake server received it.</summary>
public sealed record RecordedRequest(string Method, string Path, IReadOnlyDictionary<string, string> Query, string Authorization, string Body);

/// <summary>
/// Stands in for InfluxDB 2 on a loopback port: records every request and answers with the shapes the
/// InfluxDB 2 API documents (JSON for orgs, buckets and tasks; 204 for writes; annotated CSV for queries).
/// Buckets and tasks are kept, so a second initialisation meets what the first created.
/// </summary>
public sealed partial class FakeInfluxServer : IAsyncDisposable
{
    public const string OrganisationName = "acme";
    public const string OrganisationId = "0a1b2c3d4e5f6071";
    private const string Created = "2026-11-25T09:00:00Z";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<RecordedRequest> _requests = new();
    private readonly Lock _lock = new();
    private int _nextId;

    private FakeInfluxServer(WebApplication app) => _app = app;

    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<RecordedRequest> Requests => [.. _requests];

    /// <summary>The buckets the server holds (id to JSON), as the store created or changed them.</summary>
    public Dictionary<string, JsonObject> Buckets { get; } = [];

    public Dictionary<string, JsonObject> Tasks { get; } = [];

    /// <summary>The runs listed for a task (task id to runs, as InfluxDB's run JSON), all of them whatever the <c>after</c> asked for.</summary>
    public Dictionary<string, List<JsonObject>> Runs { get; } = [];

    /// <summary>
    /// How long listing buckets and tasks takes: long enough, and instances starting at once all find nothing
    /// and all create, as on a busy real server.
    /// </summary>
    public TimeSpan ListDelay { get; set; }

    /// <summary>
    /// The first this-many task listings are answered together, once all have arrived: instances starting at once
    /// then surely all find no task, however the machine schedules them (at most 10 s of waiting).
    /// </summary>
    public int TaskListBarrier { get; set; }

    private int _taskListings;
    private readonly TaskCompletionSource _allTaskListingsArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>The annotated CSV answered to the next queries (an empty answer when null).</summary>
    public string? QueryAnswer { get; set; }

    public static async Task<FakeInfluxServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var server = new FakeInfluxServer(app);
        server.Map(app);
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        server.BaseAddress = new Uri(address);
        return server;
    }

    public IReadOnlyList<RecordedRequest> RequestsTo(string method, string pathStart) =>
        Requests.Where(r => r.Method == method && r.Path.StartsWith(pathStart, StringComparison.Ordinal)).ToList();

    /// <summary>Forgets the requests so far (the server keeps its buckets and tasks).</summary>
    public void ClearRequests() => _requests.Clear();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private void Map(WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            context.Request.EnableBuffering();
            var body = await new StreamReader(context.Request.Body).ReadToEndAsync();
            context.Request.Body.Position = 0;
            _requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path.Value ?? "",
                context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString()),
                context.Request.Headers.Authorization.ToString(),
                body));
            await next(context);
        });

        app.MapGet("/api/v2/orgs", (HttpRequest request) =>
        {
            var name = request.Query["org"].ToString();
            var orgs = name is "" or OrganisationName
                ? new JsonArray(new JsonObject
                {
                    ["id"] = OrganisationId,
                    ["name"] = OrganisationName,
                    ["description"] = "",
                    ["createdAt"] = Created,
                    ["updatedAt"] = Created,
                    ["links"] = new JsonObject { ["self"] = $"/api/v2/orgs/{OrganisationId}" },
                })
                : [];
            return Json(new JsonObject { ["links"] = new JsonObject { ["self"] = "/api/v2/orgs" }, ["orgs"] = orgs });
        });

        app.MapGet("/api/v2/buckets", async (HttpRequest request) =>
        {
            await Task.Delay(ListDelay);
            var name = request.Query["name"].ToString();
            lock (_lock)
            {
                var found = Buckets.Values.Where(b => name == "" || (string?)b["name"] == name).Select(b => (JsonNode)b.DeepClone()).ToArray();
                return Json(new JsonObject { ["links"] = new JsonObject { ["self"] = "/api/v2/buckets" }, ["buckets"] = new JsonArray(found) });
            }
        });

        app.MapPost("/api/v2/buckets", async (HttpRequest request) =>
        {
            var posted = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            lock (_lock)
            {
                // As InfluxDB: a bucket's name is unique in its organisation.
                if (Buckets.Values.Any(b => (string?)b["name"] == (string?)posted["name"]))
                {
                    return Json(new JsonObject { ["code"] = "conflict", ["message"] = $"bucket with name {posted["name"]} already exists" }, StatusCodes.Status422UnprocessableEntity);
                }

                var id = NextId();
                var bucket = new JsonObject
                {
                    ["id"] = id,
                    ["orgID"] = posted["orgID"]?.DeepClone(),
                    ["type"] = "user",
                    ["name"] = posted["name"]?.DeepClone(),
                    ["description"] = posted["description"]?.DeepClone(),
                    ["retentionRules"] = posted["retentionRules"]?.DeepClone() ?? new JsonArray(),
                    ["createdAt"] = Created,
                    ["updatedAt"] = Created,
                    ["links"] = new JsonObject { ["self"] = $"/api/v2/buckets/{id}" },
                    ["labels"] = new JsonArray(),
                };
                Buckets[id] = bucket;
                return Json(bucket.DeepClone(), StatusCodes.Status201Created);
            }
        });

        app.MapMethods("/api/v2/buckets/{id}", ["PATCH"], async (string id, HttpRequest request) =>
        {
            var patch = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            lock (_lock)
            {
                if (!Buckets.TryGetValue(id, out var bucket))
                {
                    return Json(new JsonObject { ["code"] = "not found", ["message"] = "bucket not found" }, StatusCodes.Status404NotFound);
                }

                foreach (var (key, value) in patch)
                {
                    bucket[key] = value?.DeepClone();
                }

                return Json(bucket.DeepClone());
            }
        });

        app.MapGet("/api/v2/tasks", async (HttpRequest request) =>
        {
            await Task.Delay(ListDelay);
            var listing = Interlocked.Increment(ref _taskListings);
            if (listing <= TaskListBarrier)
            {
                if (listing == TaskListBarrier)
                {
                    _allTaskListingsArrived.TrySetResult();
                }

                await _allTaskListingsArrived.Task.WaitAsync(TimeSpan.FromSeconds(10)).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            var name = request.Query["name"].ToString();
            lock (_lock)
            {
                var found = Tasks.Values.Where(t => name == "" || (string?)t["name"] == name).Select(t => (JsonNode)t.DeepClone()).ToArray();
                return Json(new JsonObject { ["links"] = new JsonObject { ["self"] = "/api/v2/tasks" }, ["tasks"] = new JsonArray(found) });
            }
        });

        app.MapPost("/api/v2/tasks", async (HttpRequest request) =>
        {
            var posted = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            lock (_lock)
            {
                var id = NextId();
                var task = new JsonObject
                {
                    ["id"] = id,
                    ["orgID"] = posted["orgID"]?.DeepClone(),
                    ["org"] = OrganisationName,
                    ["ownerID"] = "0000000000000001",
                    ["status"] = posted["status"]?.DeepClone() ?? "active",
                    ["description"] = posted["description"]?.DeepClone(),
                    ["labels"] = new JsonArray(),
                    ["createdAt"] = Created,
                    ["updatedAt"] = Created,
                    ["links"] = new JsonObject { ["self"] = $"/api/v2/tasks/{id}" },
                };
                SetFlux(task, (string)posted["flux"]!);
                Tasks[id] = task;
                return Json(task.DeepClone(), StatusCodes.Status201Created);
            }
        });

        app.MapMethods("/api/v2/tasks/{id}", ["PATCH"], async (string id, HttpRequest request) =>
        {
            var patch = (await JsonNode.ParseAsync(request.Body))!.AsObject();
            lock (_lock)
            {
                if (!Tasks.TryGetValue(id, out var task))
                {
                    return Json(new JsonObject { ["code"] = "not found", ["message"] = "task not found" }, StatusCodes.Status404NotFound);
                }

                if (patch["flux"] is { } flux)
                {
                    SetFlux(task, (string)flux!);
                }

                if (patch["status"] is { } status)
                {
                    task["status"] = status.DeepClone();
                }

                return Json(task.DeepClone());
            }
        });

        app.MapDelete("/api/v2/tasks/{id}", (string id) =>
        {
            lock (_lock)
            {
                return Tasks.Remove(id)
                    ? Results.NoContent()
                    : Json(new JsonObject { ["code"] = "not found", ["message"] = "task not found" }, StatusCodes.Status404NotFound);
            }
        });

        app.MapGet("/api/v2/tasks/{id}/runs", (string id) =>
        {
            lock (_lock)
            {
                var runs = Runs.GetValueOrDefault(id, []).Select(r => (JsonNode)r.DeepClone()).ToArray();
                return Json(new JsonObject { ["links"] = new JsonObject { ["self"] = $"/api/v2/tasks/{id}/runs" }, ["runs"] = new JsonArray(runs) });
            }
        });

        app.MapPost("/api/v2/write", () => Results.NoContent());

        app.MapPost("/api/v2/query", () => Results.Text(QueryAnswer ?? "", "text/csv; charset=utf-8"));
    }

    /// <summary>InfluxDB reads a task's name and schedule from its script's <c>option task</c>.</summary>
    private static void SetFlux(JsonObject task, string flux)
    {
        task["flux"] = flux;
        var option = TaskOption().Match(flux);
        task["name"] = option.Groups["name"].Value;
        task["every"] = option.Groups["every"].Value;
    }

    private string NextId() => $"0b{Interlocked.Increment(ref _nextId):x14}";

    private static IResult Json(JsonNode node, int status = StatusCodes.Status200OK) =>
        Results.Text(node.ToJsonString(new JsonSerializerOptions { WriteIndented = false }), "application/json; charset=utf-8", statusCode: status);

    [GeneratedRegex("""option task = \{name: "(?<name>[^"]*)", every: (?<every>\w+)""")]
    private static partial Regex TaskOption();
}
