using System.Text.Json;

namespace FlagDashboard.Tests.AdminApi;

[Collection(AdminApiCollection.Name)]
public sealed class OpenApiDocumentTests(AdminApiFixture fixture)
{
    /// <summary>Every admin API operation; a route added without a line here fails the test below, as does one that goes missing.</summary>
    private static readonly string[] Operations =
    [
        "GET /api/admin/organisation", "PUT /api/admin/organisation",
        "GET /api/admin/api-keys", "POST /api/admin/api-keys", "DELETE /api/admin/api-keys/{keyId}",
        "GET /api/admin/projects", "POST /api/admin/projects",
        "GET /api/admin/projects/{projectId}", "PUT /api/admin/projects/{projectId}", "DELETE /api/admin/projects/{projectId}",
        "GET /api/admin/projects/{projectId}/environments", "POST /api/admin/projects/{projectId}/environments",
        "GET /api/admin/environments/{environmentId}", "PUT /api/admin/environments/{environmentId}", "DELETE /api/admin/environments/{environmentId}",
        "POST /api/admin/environments/{environmentId}/clone",
        "GET /api/admin/environments/{environmentId}/server-side-keys", "POST /api/admin/environments/{environmentId}/server-side-keys",
        "DELETE /api/admin/server-side-keys/{keyId}",
        "GET /api/admin/projects/{projectId}/features", "POST /api/admin/projects/{projectId}/features",
        "GET /api/admin/features/{featureId}", "PUT /api/admin/features/{featureId}", "DELETE /api/admin/features/{featureId}",
        "PUT /api/admin/features/{featureId}/archived",
        "GET /api/admin/environments/{environmentId}/feature-states",
        "GET /api/admin/feature-states/{stateId}", "PUT /api/admin/feature-states/{stateId}", "PUT /api/admin/feature-states/{stateId}/weights",
        "GET /api/admin/environments/{environmentId}/features/{featureId}/versions",
        "GET /api/admin/environments/{environmentId}/features/{featureId}/versions/{number}",
        "POST /api/admin/environments/{environmentId}/features/{featureId}/versions/{number}/restore",
        "PUT /api/admin/environments/{environmentId}/required-approvals", "GET /api/admin/environments/{environmentId}/change-requests",
        "POST /api/admin/environments/{environmentId}/features/{featureId}/change-requests", "GET /api/admin/change-requests/{changeRequestId}",
        "POST /api/admin/change-requests/{changeRequestId}/approve", "POST /api/admin/change-requests/{changeRequestId}/commit",
        "POST /api/admin/change-requests/{changeRequestId}/rebase", "POST /api/admin/change-requests/{changeRequestId}/close",
        "GET /api/admin/environments/{environmentId}/scheduled-changes",
        "GET /api/admin/projects/{projectId}/segments", "POST /api/admin/projects/{projectId}/segments",
        "GET /api/admin/segments/{segmentId}", "PUT /api/admin/segments/{segmentId}", "DELETE /api/admin/segments/{segmentId}",
        "GET /api/admin/environments/{environmentId}/segment-overrides", "POST /api/admin/environments/{environmentId}/segment-overrides",
        "DELETE /api/admin/segment-overrides/{stateId}",
        "PUT /api/admin/environments/{environmentId}/features/{featureId}/segment-override-order",
        "GET /api/admin/environments/{environmentId}/identities", "POST /api/admin/environments/{environmentId}/identities",
        "GET /api/admin/identities/{identityId}", "DELETE /api/admin/identities/{identityId}",
        "PUT /api/admin/identities/{identityId}/traits/{key}", "DELETE /api/admin/identities/{identityId}/traits/{key}",
        "PUT /api/admin/identities/{identityId}/overrides/{featureId}", "DELETE /api/admin/identities/{identityId}/overrides/{featureId}",
        "GET /api/admin/audit",
        "GET /api/admin/environments/{environmentId}/document", "POST /api/admin/projects/{projectId}/environment-documents",
        "GET /api/admin/environments/{environmentId}/webhooks", "POST /api/admin/environments/{environmentId}/webhooks",
        "GET /api/admin/webhooks/{webhookId}", "PUT /api/admin/webhooks/{webhookId}", "DELETE /api/admin/webhooks/{webhookId}",
        "GET /api/admin/environments/{environmentId}/webhook-deliveries",
        "GET /api/admin/organisation/webhooks", "POST /api/admin/organisation/webhooks",
        "GET /api/admin/organisation/usage-allowance", "PUT /api/admin/organisation/usage-allowance",
        "GET /api/admin/members", "PUT /api/admin/members/{userId}/role", "DELETE /api/admin/members/{userId}",
        "GET /api/admin/groups", "POST /api/admin/groups", "PUT /api/admin/groups/{groupId}", "DELETE /api/admin/groups/{groupId}",
        "PUT /api/admin/groups/{groupId}/members/{userId}", "DELETE /api/admin/groups/{groupId}/members/{userId}",
        "GET /api/admin/projects/{projectId}/roles", "POST /api/admin/projects/{projectId}/roles",
        "PUT /api/admin/project-roles/{roleId}", "DELETE /api/admin/project-roles/{roleId}",
        "GET /api/admin/invitations", "POST /api/admin/invitations", "DELETE /api/admin/invitations/{invitationId}",
    ];

    [Fact]
    public async Task TheOpenApiDocumentParsesAndDescribesEveryAdminOperation()
    {
        using var anonymous = fixture.Client(key: null);

        using var document = JsonDocument.Parse(await anonymous.GetStringAsync("openapi/v1.json", AdminApiHttp.Cancel));

        var root = document.RootElement;
        Assert.StartsWith("3.", root.GetProperty("openapi").GetString());
        var described = root.GetProperty("paths").EnumerateObject()
            .Where(path => path.Name.StartsWith("/api/admin", StringComparison.Ordinal))
            .SelectMany(path => path.Value.EnumerateObject().Select(operation => (Key: $"{operation.Name.ToUpperInvariant()} {path.Name}", Operation: operation.Value)))
            .ToList();
        Assert.Equal(Operations.Order(StringComparer.Ordinal), described.Select(d => d.Key).Order(StringComparer.Ordinal));
        Assert.All(described, d =>
        {
            Assert.True(d.Operation.TryGetProperty("operationId", out _), $"{d.Key} has no operationId.");
            Assert.True(d.Operation.TryGetProperty("summary", out _), $"{d.Key} has no summary.");
            Assert.True(d.Operation.GetProperty("responses").TryGetProperty("400", out _), $"{d.Key} does not describe its 400 problem details.");
        });
        Assert.True(root.GetProperty("components").GetProperty("schemas").TryGetProperty("FeatureRequest", out _));
    }

    [Fact]
    public async Task TheReferencePageWorksOfflineFromTheAppItself()
    {
        using var anonymous = fixture.Client(key: null);

        var page = await anonymous.GetStringAsync("scalar/v1", AdminApiHttp.Cancel);

        Assert.DoesNotContain("cdn.jsdelivr.net", page);
        Assert.Contains("scalar.js", page);
        var script = await anonymous.GetAsync("scalar/scalar.js", AdminApiHttp.Cancel);
        Assert.True(script.IsSuccessStatusCode, $"scalar.js: {script.StatusCode}");
    }
}
