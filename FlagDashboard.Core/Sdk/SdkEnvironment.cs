using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using FlagDashboard.Core.Engine;
using FlagDashboard.Core.Flags;

namespace FlagDashboard.Core.Sdk;

/// <summary>
/// Everything the SDK API needs to answer for one environment, prepared once per change: the compiled
/// engine, each feature's JSON, and the whole <c>GET flags/</c> answer already serialised with its ETag.
/// Immutable and shared by all requests until the environment changes.
/// </summary>
/// <summary>The environment document as served, with its ETag.</summary>
public sealed record SdkDocument(byte[] Json, string ETag);

public sealed class SdkEnvironment
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };
    private readonly byte[][] _featureJson;
    private readonly Dictionary<string, int> _featureIndexByName;
    private Task<SdkDocument?>? _document;

    /// <param name="compileOptions">Where REGEX timeouts are logged; regexes are compiled and warmed here, before the first request.</param>
    public SdkEnvironment(EnvironmentData data, CompileOptions? compileOptions = null)
    {
        Data = data;
        Engine = CompiledEnvironment.Compile(data.Context, compileOptions ?? CompileOptions.Default);
        _featureJson = data.Features.Select(FeatureJson).ToArray();
        _featureIndexByName = data.Features.Select((f, i) => (f.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        FlagsJson = Serialize(writer => WriteFlags(writer, Engine.EnvironmentFlags(), identityId: null));
        FlagsETag = ETagOf(FlagsJson);
        UpdatedAtHeader = UpdatedAtSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public EnvironmentData Data { get; }

    public int Id => Data.EnvironmentId;

    public CompiledEnvironment Engine { get; }

    /// <summary>The answer of <c>GET flags/</c>: the environment's own states, no segment evaluated.</summary>
    public byte[] FlagsJson { get; }

    public string FlagsETag { get; }

    /// <summary>Seconds since the epoch of the environment's last change, as SDKs and real-time events read it.</summary>
    public double UpdatedAtSeconds => Data.UpdatedAt.ToUnixTimeMilliseconds() / 1000.0;

    /// <summary><see cref="UpdatedAtSeconds"/> as the <c>x-flagsmith-document-updated-at</c> header writes it.</summary>
    public string UpdatedAtHeader { get; private init; } = "";

    public bool Accepts(string key, out bool isServerSide)
    {
        isServerSide = Data.ServerSideKeys.Contains(key);
        return isServerSide || key == Data.ClientKey;
    }

    public bool TryGetFeature(string name, out SdkFeature feature)
    {
        if (_featureIndexByName.TryGetValue(name, out var index))
        {
            feature = Data.Features[index];
            return true;
        }

        feature = null!;
        return false;
    }

    /// <summary>The environment document, built on first request and kept with this version of the environment; a failed build is tried again.</summary>
    public Task<SdkDocument?> GetDocumentAsync(Func<int, CancellationToken, Task<byte[]?>> build)
    {
        var document = _document;
        if (document is null || document.IsFaulted || document.IsCanceled)
        {
            document = BuildDocumentAsync(build);
            _document = document;
        }

        return document;
    }

    private async Task<SdkDocument?> BuildDocumentAsync(Func<int, CancellationToken, Task<byte[]?>> build) =>
        await build(Id, CancellationToken.None) is { } bytes ? new SdkDocument(bytes, ETagOf(bytes)) : null;

    /// <summary>Writes the SDK flag objects of an evaluation, leaving out disabled flags when the project hides them.</summary>
    public void WriteFlags(Utf8JsonWriter writer, EvaluationResult result, int? identityId)
    {
        writer.WriteStartArray();
        for (var i = 0; i < Data.Features.Count; i++)
        {
            var feature = Data.Features[i];
            if (!result.TryGetFlag(feature.Name, out var flag) || (Data.HideDisabledFlags && !flag.Enabled))
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteNumber("id", feature.StateId);
            writer.WritePropertyName("feature");
            writer.WriteRawValue(_featureJson[i], skipInputValidation: true);
            writer.WritePropertyName("feature_state_value");
            flag.Value.WriteTo(writer);
            writer.WriteBoolean("enabled", flag.Enabled);
            writer.WriteNumber("environment", Id);
            if (identityId is { } id)
            {
                writer.WriteNumber("identity", id);
            }
            else
            {
                writer.WriteNull("identity");
            }

            writer.WriteNull("feature_segment");
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    public static byte[] Serialize(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static string ETagOf(ReadOnlySpan<byte> content) =>
        $"\"{Convert.ToBase64String(SHA256.HashData(content)[..12]).TrimEnd('=').Replace('+', '-').Replace('/', '_')}\"";

    private static byte[] FeatureJson(SdkFeature feature) => Serialize(writer =>
    {
        writer.WriteStartObject();
        writer.WriteNumber("id", feature.Id);
        writer.WriteString("name", feature.Name);
        writer.WriteString("type", feature.Type == FeatureType.Multivariate ? "MULTIVARIATE" : "STANDARD");
        writer.WriteString("description", feature.Description);
        writer.WriteBoolean("default_enabled", feature.DefaultEnabled);
        writer.WritePropertyName("initial_value");
        feature.InitialValue.WriteTo(writer);
        writer.WriteEndObject();
    });
}
