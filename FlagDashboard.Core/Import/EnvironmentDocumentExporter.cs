using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Segments;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Import;

/// <summary>
/// Writes an environment as the Flagsmith environment document the SDKs evaluate locally: the document
/// <c>GET environment-document/</c> serves and <c>export</c> writes. Hashing keys are written where the
/// SDKs read them (<c>django_id</c> or <c>featurestate_uuid</c>, segment <c>id</c>, variant <c>id</c>), so
/// that local evaluation answers as the server does.
/// </summary>
public sealed class EnvironmentDocumentExporter(IDbContextFactory<FlagDashboardDbContext> dbFactory)
{
    private static readonly JsonWriterOptions Compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly JsonWriterOptions Indented = Compact with { Indented = true };

    /// <summary>Writes the document, indented, for the environment with this client or active server-side key.</summary>
    /// <exception cref="NotFoundException">No environment has this key.</exception>
    public async Task ExportAsync(string environmentKey, Stream output, CancellationToken cancellationToken = default)
    {
        var snapshot = await LoadByKeyAsync(environmentKey, cancellationToken);
        await using var writer = new Utf8JsonWriter(output, Indented);
        Write(writer, snapshot);
        await writer.FlushAsync(cancellationToken);
    }

    /// <inheritdoc cref="ExportAsync(string, Stream, CancellationToken)"/>
    public async Task ExportAsync(string environmentKey, Utf8JsonWriter output, CancellationToken cancellationToken = default)
    {
        var snapshot = await LoadByKeyAsync(environmentKey, cancellationToken);
        Write(output, snapshot);
        await output.FlushAsync(cancellationToken);
    }

    /// <summary>The document as compact UTF-8 JSON, for the environment with this client or active server-side key.</summary>
    /// <exception cref="NotFoundException">No environment has this key.</exception>
    public async Task<byte[]> BuildDocumentAsync(string environmentKey, CancellationToken cancellationToken = default) =>
        ToBytes(await LoadByKeyAsync(environmentKey, cancellationToken));

    /// <summary>The document as compact UTF-8 JSON, for an environment whose key the caller has already checked; null when it is gone.</summary>
    public async Task<byte[]?> TryBuildDocumentAsync(int environmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var snapshot = await LoadAsync(db, db.Environments.Where(e => e.Id == environmentId), cancellationToken);
        return snapshot is null ? null : ToBytes(snapshot);
    }

    /// <summary>
    /// The document SDKs evaluate locally, as <see cref="TryBuildDocumentAsync"/> writes it, except while the
    /// organisation serves defaults only (over its allowance): then each feature state is its feature's
    /// default and there are no segment or identity overrides, so that local evaluation answers as the server does.
    /// </summary>
    public async Task<byte[]?> TryBuildServedDocumentAsync(int environmentId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var snapshot = await LoadAsync(db, db.Environments.Where(e => e.Id == environmentId), cancellationToken);
        if (snapshot is null)
        {
            return null;
        }

        if (snapshot.Environment.Project!.Organisation!.ServingDefaultsSince is not null)
        {
            snapshot.States.RemoveAll(s => !s.IsEnvironmentDefault);
            snapshot.States.ForEach(s => Sdk.EnvironmentContextMapper.AsFeatureDefault(s, snapshot.Features[s.FeatureId]));
            snapshot.Identities.Clear();
        }

        return ToBytes(snapshot);
    }

    private async Task<Snapshot> LoadByKeyAsync(string environmentKey, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await LoadAsync(db, EnvironmentKeyLookup.Matching(db, environmentKey), cancellationToken)
            ?? throw new NotFoundException("Environment", $"with key \"{environmentKey}\"");
    }

    private static async Task<Snapshot?> LoadAsync(FlagDashboardDbContext db, IQueryable<ProjectEnvironment> environments, CancellationToken cancellationToken)
    {
        var environment = await environments.AsNoTracking()
            .Include(e => e.Project!).ThenInclude(p => p.Organisation)
            .SingleOrDefaultAsync(cancellationToken);
        if (environment is null)
        {
            return null;
        }

        var features = await db.Features.AsNoTracking().Include(f => f.Options)
            .Where(f => f.ProjectId == environment.ProjectId)
            .ToDictionaryAsync(f => f.Id, cancellationToken);
        var states = await db.FeatureStates.AsNoTracking().Include(s => s.Weights)
            .Where(s => s.EnvironmentId == environment.Id)
            .ToListAsync(cancellationToken);
        var segments = await db.Segments.AsNoTracking()
            .Where(s => s.ProjectId == environment.ProjectId)
            .OrderBy(s => s.Id)
            .ToListAsync(cancellationToken);
        var identities = await db.Identities.AsNoTracking().Include(i => i.Traits)
            .Where(i => i.EnvironmentId == environment.Id && db.FeatureStates.Any(s => s.IdentityId == i.Id))
            .OrderBy(i => i.Id)
            .ToListAsync(cancellationToken);

        // The reads are separate queries: a state whose feature appeared in between is left for the next document.
        states.RemoveAll(s => !features.ContainsKey(s.FeatureId));
        states.Sort((a, b) => a.FeatureId != b.FeatureId ? a.FeatureId.CompareTo(b.FeatureId) : a.Id.CompareTo(b.Id));
        var options = features.Values.SelectMany(f => f.Options).ToDictionary(o => o.Id);
        return new Snapshot(environment, features, options, states, segments, identities);
    }

    private static byte[] ToBytes(Snapshot snapshot)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var writer = new Utf8JsonWriter(buffer, Compact))
        {
            Write(writer, snapshot);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void Write(Utf8JsonWriter writer, Snapshot snapshot)
    {
        var environment = snapshot.Environment;
        var project = environment.Project!;
        var organisation = project.Organisation!;

        writer.WriteStartObject();
        writer.WriteNumber("id", environment.Id);
        writer.WriteString("api_key", environment.ClientKey);
        writer.WriteString("name", environment.Name);

        writer.WriteStartArray("feature_states");
        foreach (var state in snapshot.States.Where(s => s.IsEnvironmentDefault))
        {
            WriteState(writer, snapshot, state);
        }

        writer.WriteEndArray();

        writer.WriteStartObject("project");
        writer.WriteNumber("id", project.Id);
        writer.WriteString("name", project.Name);
        writer.WriteBoolean("hide_disabled_flags", project.HideDisabledFlags);
        writer.WriteStartObject("organisation");
        writer.WriteNumber("id", organisation.Id);
        writer.WriteString("name", organisation.Name);
        // FlagDashboard has no such settings; these are Flagsmith's defaults, under which the SDKs behave as our server does.
        writer.WriteBoolean("feature_analytics", false);
        writer.WriteBoolean("stop_serving_flags", false);
        writer.WriteBoolean("persist_trait_data", true);
        writer.WriteEndObject();

        writer.WriteStartArray("segments");
        var overridesBySegment = snapshot.States.Where(s => s.SegmentId is not null).ToLookup(s => s.SegmentId!.Value);
        foreach (var segment in snapshot.Segments)
        {
            writer.WriteStartObject();
            writer.WriteNumber("id", segment.ExternalId);
            writer.WriteString("name", segment.Name);
            writer.WriteStartArray("rules");
            foreach (var rule in segment.Rules)
            {
                WriteRule(writer, rule);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("feature_states");
            foreach (var state in overridesBySegment[segment.Id])
            {
                WriteState(writer, snapshot, state);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();

        // No django_id here: flagsmith-nodejs would hash a present one instead of the identity key we hash.
        writer.WriteStartArray("identity_overrides");
        var overridesByIdentity = snapshot.States.Where(s => s.IdentityId is not null).ToLookup(s => s.IdentityId!.Value);
        foreach (var identity in snapshot.Identities)
        {
            writer.WriteStartObject();
            writer.WriteString("identifier", identity.Identifier);
            writer.WriteStartArray("identity_features");
            foreach (var state in overridesByIdentity[identity.Id])
            {
                WriteState(writer, snapshot, state);
            }

            writer.WriteEndArray();
            WriteTraits(writer, identity.Traits);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteState(Utf8JsonWriter writer, Snapshot snapshot, FeatureState state)
    {
        var feature = snapshot.Features[state.FeatureId];
        writer.WriteStartObject();
        writer.WriteStartObject("feature");
        writer.WriteNumber("id", feature.Id);
        writer.WriteString("name", feature.Name);
        writer.WriteString("type", feature.Type == FeatureType.Multivariate ? "MULTIVARIATE" : "STANDARD");
        writer.WriteEndObject();
        writer.WriteBoolean("enabled", state.Enabled);

        // The SDKs hash str(django_id), else featurestate_uuid: whichever carries our HashKey.
        if (IsDjangoId(state.HashKey, out var djangoId))
        {
            writer.WriteNumber("django_id", djangoId);
            writer.WriteString("featurestate_uuid", state.Uuid);
        }
        else
        {
            writer.WriteString("featurestate_uuid", state.HashKey);
        }

        writer.WritePropertyName("feature_state_value");
        state.Value.WriteTo(writer);

        if (state.SegmentId is null)
        {
            writer.WriteNull("feature_segment");
        }
        else
        {
            writer.WriteStartObject("feature_segment");
            if (state.SegmentPriority is { } priority)
            {
                writer.WriteNumber("priority", priority);
            }
            else
            {
                writer.WriteNull("priority");
            }

            writer.WriteEndObject();
        }

        writer.WriteStartArray("multivariate_feature_state_values");
        foreach (var weight in state.Weights.OrderBy(w => w.ExternalId).ThenBy(w => w.Id))
        {
            if (!snapshot.Options.TryGetValue(weight.OptionId, out var option))
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteNumber("id", weight.ExternalId);
            // A double, as Flagsmith writes it (30.0), so that a SPLIT reason reads the same.
            writer.WritePropertyName("percentage_allocation");
            FlagValue.FromDouble(weight.Percentage).WriteTo(writer);
            writer.WriteStartObject("multivariate_feature_option");
            writer.WriteNumber("id", option.ExternalId);
            writer.WritePropertyName("value");
            option.Value.WriteTo(writer);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteRule(Utf8JsonWriter writer, SegmentRule rule)
    {
        writer.WriteStartObject();
        writer.WriteString("type", rule.Type switch
        {
            RuleType.Any => "ANY",
            RuleType.None => "NONE",
            _ => "ALL",
        });
        writer.WriteStartArray("rules");
        foreach (var child in rule.Rules)
        {
            WriteRule(writer, child);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("conditions");
        foreach (var condition in rule.Conditions)
        {
            writer.WriteStartObject();
            writer.WriteString("operator", condition.Operator);
            // Flagsmith writes no property for a percentage split; the engine reads null and "" alike.
            if (condition.Property.Length == 0)
            {
                writer.WriteNull("property_");
            }
            else
            {
                writer.WriteString("property_", condition.Property);
            }

            writer.WriteString("value", condition.Value);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    private static void WriteTraits(Utf8JsonWriter writer, List<Trait> traits)
    {
        writer.WriteStartArray("identity_traits");
        foreach (var trait in traits.OrderBy(t => t.Id))
        {
            writer.WriteStartObject();
            writer.WriteString("trait_key", trait.Key);
            writer.WritePropertyName("trait_value");
            trait.Value.WriteTo(writer);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    /// <summary>Only a key that reads back as the same text may travel as a number ("007" must stay a string).</summary>
    private static bool IsDjangoId(string hashKey, out long djangoId) =>
        long.TryParse(hashKey, NumberStyles.None, CultureInfo.InvariantCulture, out djangoId)
        && djangoId.ToString(CultureInfo.InvariantCulture) == hashKey;

    private sealed record Snapshot(
        ProjectEnvironment Environment,
        Dictionary<int, Feature> Features,
        Dictionary<int, MultivariateOption> Options,
        List<FeatureState> States,
        List<Segment> Segments,
        List<Identity> Identities);
}
