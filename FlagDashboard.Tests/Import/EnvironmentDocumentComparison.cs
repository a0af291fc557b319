using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlagDashboard.Tests.Import;

/// <summary>
/// Reduces an environment document to what the SDKs evaluate, in a stable order, so that two documents can
/// be compared as text. Lists whose order Flagsmith does not define (feature states, variants, identity
/// overrides, traits) are sorted; segments, rules and conditions keep their order, which the engine reads.
/// Our own database ids (environment, project, organisation, feature) are left out: they are not kept.
/// Values keep their literal text, so 1, 1.0, "1" and true stay apart.
/// </summary>
internal static class EnvironmentDocumentComparison
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Canonical(JsonNode document)
    {
        var project = document["project"]!;
        var canonical = new JsonObject
        {
            ["api_key"] = Copy(document["api_key"]),
            ["name"] = Copy(document["name"]),
            ["feature_states"] = States(document["feature_states"]),
            ["project"] = new JsonObject
            {
                ["hide_disabled_flags"] = Copy(project["hide_disabled_flags"]),
                ["segments"] = new JsonArray([.. Items(project["segments"]).Select(segment => (JsonNode)new JsonObject
                {
                    ["id"] = Copy(segment["id"]),
                    ["name"] = Copy(segment["name"]),
                    ["rules"] = Rules(segment["rules"]),
                    ["feature_states"] = States(segment["feature_states"]),
                })]),
            },
            ["identity_overrides"] = new JsonArray([.. Items(document["identity_overrides"])
                .OrderBy(i => (string)i["identifier"]!, StringComparer.Ordinal)
                .Select(identity => (JsonNode)new JsonObject
                {
                    ["identifier"] = Copy(identity["identifier"]),
                    ["identity_features"] = States(identity["identity_features"]),
                    ["identity_traits"] = new JsonArray([.. Items(identity["identity_traits"])
                        .OrderBy(t => (string)t["trait_key"]!, StringComparer.Ordinal)
                        .Select(trait => (JsonNode)new JsonObject
                        {
                            ["trait_key"] = Copy(trait["trait_key"]),
                            ["trait_value"] = Literal(trait["trait_value"]),
                        })]),
                })]),
        };
        return canonical.ToJsonString(Indented);
    }

    private static JsonArray States(JsonNode? states) =>
        new([.. Items(states)
            .OrderBy(s => (string)s["feature"]!["name"]!, StringComparer.Ordinal)
            .Select(state =>
            {
                var djangoId = state["django_id"];
                return (JsonNode)new JsonObject
                {
                    ["feature"] = new JsonObject { ["name"] = Copy(state["feature"]!["name"]), ["type"] = Copy(state["feature"]!["type"]) },
                    ["enabled"] = Copy(state["enabled"]),
                    // The key the SDKs hash: str(django_id), else featurestate_uuid.
                    ["hash_key"] = djangoId is null ? Copy(state["featurestate_uuid"]) : djangoId.ToJsonString(),
                    ["featurestate_uuid"] = Copy(state["featurestate_uuid"]),
                    ["feature_state_value"] = Literal(state["feature_state_value"]),
                    ["priority"] = Copy(state["feature_segment"]?["priority"]),
                    ["multivariate_feature_state_values"] = new JsonArray([.. Items(state["multivariate_feature_state_values"])
                        .OrderBy(v => (long)v["id"]!)
                        .Select(value => (JsonNode)new JsonObject
                        {
                            ["id"] = Copy(value["id"]),
                            ["percentage_allocation"] = ((double)value["percentage_allocation"]!).ToString("R", CultureInfo.InvariantCulture),
                            ["option_id"] = Copy(value["multivariate_feature_option"]!["id"]),
                            ["option_value"] = Literal(value["multivariate_feature_option"]!["value"]),
                        })]),
                };
            })]);

    private static JsonArray Rules(JsonNode? rules) =>
        new([.. Items(rules).Select(rule => (JsonNode)new JsonObject
        {
            ["type"] = Copy(rule["type"]),
            ["conditions"] = new JsonArray([.. Items(rule["conditions"]).Select(condition => (JsonNode)new JsonObject
            {
                ["operator"] = Copy(condition["operator"]),
                // The engine reads a missing property as an empty one.
                ["property_"] = (string?)condition["property_"] ?? "",
                ["value"] = Copy(condition["value"]),
            })]),
            ["rules"] = Rules(rule["rules"]),
        })]);

    private static IEnumerable<JsonNode> Items(JsonNode? array) => array is JsonArray items ? items.Select(i => i!) : [];

    private static JsonNode? Copy(JsonNode? node) => node?.DeepClone();

    /// <summary>A value as its JSON literal text: keeps 1, 1.0, "1" and true apart in the comparison.</summary>
    private static string Literal(JsonNode? node) => node?.ToJsonString() ?? "null";
}
