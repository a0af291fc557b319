using System.Text;
using FlagDashboard.Core;
using FlagDashboard.Core.Data;

namespace FlagDashboard.Tests.E2E;

/// <summary>
/// The seeded dashboard plus script, markup, template syntax, bidirectional overrides and long text in every name,
/// description, tag, trait, identifier, value, rule value, webhook URL, API key, group, invitation, organisation,
/// project and environment the product stores; its pages point at the hostile feature, segment and identity.
/// </summary>
public sealed class HostileDashboard(DatabaseProvider provider) : SeededDashboard(provider)
{
    /// <summary>In every planted value: a page whose text holds it shows the value as text.</summary>
    public const string Marker = "onerror=alert(";

    /// <summary>Each attack once; the planted <c>i</c> element is found by its attribute if it ever becomes markup.</summary>
    private const string Attacks =
        "<img src=x onerror=alert('img')><script>alert('script')</script>\"><svg onload=alert('svg')>" +
        "javascript:alert('url') {{7*7}} @(1+1) <i data-planted=1>markup</i> \u202Eevil\u2066a\u2067b\u2068c\u2069";

    public string EnvironmentName { get; } = Text(FieldLimits.Name);

    /// <summary>What is planted, at most <paramref name="length"/> characters: the attacks, then long text up to the length, one long unbroken run among spaced words.</summary>
    public static string Text(int length, string attacks = Attacks)
    {
        var text = new StringBuilder(attacks[..Math.Min(attacks.Length, length)]);
        var unbroken = Math.Min(300, length - text.Length);
        text.Append('W', Math.Max(0, unbroken));
        while (text.Length < length)
        {
            text.Append(" word");
        }

        return text.ToString(0, length);
    }

    protected override async Task SeedMoreAsync(HttpClient admin, HttpClient sdk)
    {
        var organisation = (await GetAsync(admin, "api/admin/organisation"))!;
        await SendAsync(admin, HttpMethod.Put, "api/admin/organisation", new { name = Text(FieldLimits.Name), version = (int)organisation["version"]! });
        var project = await GetAsync(admin, $"api/admin/projects/{ProjectId}");
        await SendAsync(admin, HttpMethod.Put, $"api/admin/projects/{ProjectId}", new { name = Text(FieldLimits.Name), hideDisabledFlags = false, version = (int)project["version"]! });

        // A third environment: the feature page shows every environment side by side, and its chart names each.
        var hostileEnvironment = (await PostAsync(admin, $"api/admin/environments/{EnvironmentId}/clone", new { name = EnvironmentName }))!;
        using var hostileSdk = App.CreateClient();
        hostileSdk.DefaultRequestHeaders.Add("X-Environment-Key", (string)hostileEnvironment["clientKey"]!);

        var feature = (await PostAsync(admin, $"api/admin/projects/{ProjectId}/features", new
        {
            name = Text(FieldLimits.FeatureName),
            description = Text(FieldLimits.Description),
            tags = new[] { "<img src=x onerror=alert('tag')>", "\"><svg onload=alert('tag') {{7*7}}", "\u202Etag onerror=alert(" + new string('T', 20) },
            defaultEnabled = true,
            initialValue = Text(3000),
            options = new object[] { new { value = Text(3000), defaultWeight = 30.0 }, new { value = Text(FieldLimits.Name), defaultWeight = 20.0 } },
        }))!;
        FeatureId = (int)feature["id"]!;
        var featureName = (string)feature["name"]!;

        var segment = (await PostAsync(admin, $"api/admin/projects/{ProjectId}/segments", new
        {
            name = Text(FieldLimits.Name),
            description = Text(FieldLimits.Description),
            rules = new[]
            {
                new
                {
                    type = "All",
                    conditions = new[] { new { property = Text(FieldLimits.ConditionProperty), @operator = "EQUAL", value = Text(3000) } },
                    rules = Array.Empty<object>(),
                },
            },
        }))!;
        SegmentId = (int)segment["id"]!;
        await PostAsync(admin, $"api/admin/environments/{EnvironmentId}/segment-overrides", new { featureId = FeatureId, segmentId = SegmentId, enabled = true, value = Text(3000) });

        var identifier = Text(FieldLimits.Identifier);
        await PostAsync(sdk, "api/v1/identities/", new { identifier, traits = new[] { new { trait_key = Text(FieldLimits.TraitKey), trait_value = Text(3000) } } });
        var found = await GetAsync(admin, $"api/admin/environments/{EnvironmentId}/identities?prefix={Uri.EscapeDataString(identifier[..20])}");
        IdentityId = (int)found["items"]!.AsArray().Single(i => (string?)i!["identifier"] == identifier)!["id"]!;
        await SendAsync(admin, HttpMethod.Put, $"api/admin/identities/{IdentityId}/overrides/{FeatureId}", new { enabled = true, value = Text(3000) });

        await PostAsync(admin, $"api/admin/environments/{EnvironmentId}/webhooks", new
        {
            url = "https://hooks.example.com/" + Uri.EscapeDataString(Text(150)) + "?q=" + Text(FieldLimits.Name, "<img src=x onerror=alert('hook')>\"><svg onload=alert('hook')>{{7*7}}\u202E"),
        });
        await PostAsync(admin, "api/admin/api-keys", new { name = Text(FieldLimits.Name), role = "Viewer" });
        await PostAsync(admin, "api/admin/groups", new { name = Text(FieldLimits.Name) });
        await PostAsync(admin, "api/admin/invitations", new { email = "\"<img src=x onerror=alert('mail')>\u202E\"@example.com", role = "Member" });

        // Evaluations of the hostile feature in two environments, so the charts draw a legend and tooltips with their names.
        await PostAsync(sdk, "api/v1/analytics/flags/", new Dictionary<string, int> { [featureName] = 500 });
        await PostAsync(hostileSdk, "api/v1/analytics/flags/", new Dictionary<string, int> { [featureName] = 300 });
        await Eventually.TrueAsync(
            async () => (long?)(await GetAsync(admin, $"api/usage/series?metric=flag_evaluations&environment={(int)hostileEnvironment["id"]!}"))["total"] is > 0,
            "the usage API to count the hostile environment's evaluations");
    }
}
