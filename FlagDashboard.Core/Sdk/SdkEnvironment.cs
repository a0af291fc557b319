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
    // Data.Features[i] answered by the engine's flag _flagIndexes[i] (-1: none).
    private readonly int[] _flagIndexes;

    // One writer per thread, pointed at each response in turn: the answer is written synchronously into the
    // response's buffers, so a writer is never shared between two answers at once.
    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;
    private readonly Dictionary<string, int> _featureIndexByName;
    private Task<SdkDocument?>? _document;

    /// <param name="compileOptions">Where REGEX timeouts are logged; regexes are compiled and warmed here, before the first request.</param>
    public SdkEnvironment(EnvironmentData data, CompileOptions? compileOptions = null)
    {
        Data = data;
        Engine = CompiledEnvironment.Compile(data.Context, compileOptions ?? CompileOptions.Default);
        _featureJson = data.Features.Select(FeatureJson).ToArray();
        _featureIndexByName = data.Features.Select((f, i) => (f.Name, i)).ToDictionary(p => p.Name, p => p.i, StringComparer.Ordinal);
        _flagIndexes = [.. data.Features.Select(f => Engine.TryGetFeatureIndex(f.Name, out var index) ? index : -1)];
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
        var flags = new FlagResult[Engine.FeatureCount];
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = result.Flags[i];
        }

        WriteFlags(writer, flags, identityId);
    }

    /// <summary>
    /// Evaluates an identity and writes the whole answer of <c>GET</c>/<c>POST identities/</c> (identifier, flags,
    /// traits) into <paramref name="output"/>, the response's own buffers: no copy of the answer is made, and
    /// the evaluation itself allocates nothing beyond the identity's view.
    /// </summary>
    public void WriteIdentityAnswer(IBufferWriter<byte> output, SdkIdentity identity)
    {
        var flags = ArrayPool<FlagResult>.Shared.Rent(Engine.FeatureCount);
        var writer = t_writer ??= new Utf8JsonWriter(NoOutput.Instance, WriterOptions);
        try
        {
            Span<int> matched = Engine.SegmentCount <= 256 ? stackalloc int[Engine.SegmentCount] : new int[Engine.SegmentCount];
            // Over the limit with defaults only, an identity's own overrides are not served either.
            Engine.Evaluate(identity.ToContext(), Data.ServesDefaultsOnly ? null : identity.Overrides, flags, matched);
            writer.Reset(output);
            writer.WriteStartObject();
            writer.WriteString(IdentifierName, identity.Identifier);
            writer.WritePropertyName(FlagsName);
            WriteFlags(writer, flags, identity.IdentityId);
            writer.WriteStartArray(TraitsName);
            var traits = identity.Traits;
            for (var i = 0; i < traits.Count; i++)
            {
                var trait = traits[i];
                writer.WriteStartObject();
                writer.WriteString(TraitKeyName, trait.Key);
                writer.WritePropertyName(TraitValueName);
                trait.Value.WriteTo(writer);
                if (trait.Transient)
                {
                    writer.WriteBoolean(TransientName, true);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
            writer.Flush();
        }
        finally
        {
            // Neither the response nor the answers stay reachable from the pooled writer and array.
            writer.Reset(NoOutput.Instance);
            Array.Clear(flags, 0, Engine.FeatureCount);
            ArrayPool<FlagResult>.Shared.Return(flags);
        }
    }

    private void WriteFlags(Utf8JsonWriter writer, ReadOnlySpan<FlagResult> flags, int? identityId)
    {
        writer.WriteStartArray();
        for (var i = 0; i < Data.Features.Count; i++)
        {
            var index = _flagIndexes[i];
            if (index < 0)
            {
                continue;
            }

            var flag = flags[index];
            if (Data.HideDisabledFlags && !flag.Enabled)
            {
                continue;
            }

            writer.WriteStartObject();
            writer.WriteNumber(IdName, Data.Features[i].StateId);
            writer.WritePropertyName(FeatureName);
            writer.WriteRawValue(_featureJson[i], skipInputValidation: true);
            writer.WritePropertyName(FeatureStateValueName);
            flag.Value.WriteTo(writer);
            writer.WriteBoolean(EnabledName, flag.Enabled);
            writer.WriteNumber(EnvironmentName, Id);
            if (identityId is { } id)
            {
                writer.WriteNumber(IdentityName, id);
            }
            else
            {
                writer.WriteNull(IdentityName);
            }

            writer.WriteNull(FeatureSegmentName);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
    }

    // Property names encoded once, not on every answer.
    private static readonly JsonEncodedText IdentifierName = JsonEncodedText.Encode("identifier");
    private static readonly JsonEncodedText FlagsName = JsonEncodedText.Encode("flags");
    private static readonly JsonEncodedText TraitsName = JsonEncodedText.Encode("traits");
    private static readonly JsonEncodedText TraitKeyName = JsonEncodedText.Encode("trait_key");
    private static readonly JsonEncodedText TraitValueName = JsonEncodedText.Encode("trait_value");
    private static readonly JsonEncodedText TransientName = JsonEncodedText.Encode("transient");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText FeatureName = JsonEncodedText.Encode("feature");
    private static readonly JsonEncodedText FeatureStateValueName = JsonEncodedText.Encode("feature_state_value");
    private static readonly JsonEncodedText EnabledName = JsonEncodedText.Encode("enabled");
    private static readonly JsonEncodedText EnvironmentName = JsonEncodedText.Encode("environment");
    private static readonly JsonEncodedText IdentityName = JsonEncodedText.Encode("identity");
    private static readonly JsonEncodedText FeatureSegmentName = JsonEncodedText.Encode("feature_segment");

    /// <summary>Where the pooled writer points between answers.</summary>
    private sealed class NoOutput : IBufferWriter<byte>
    {
        public static readonly NoOutput Instance = new();

        public void Advance(int count) => throw new InvalidOperationException("The pooled writer has no output between answers.");

        public Memory<byte> GetMemory(int sizeHint = 0) => throw new InvalidOperationException("The pooled writer has no output between answers.");

        public Span<byte> GetSpan(int sizeHint = 0) => throw new InvalidOperationException("The pooled writer has no output between answers.");
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
