using System.Text.Json;

namespace FlagDashboard.Core.Engine;

/// <summary>The error of a context document, with the JSON path of the offending field.</summary>
public sealed class EvaluationContextFormatException(string path, string message, Exception? inner = null)
    : FormatException($"{path}: {message}", inner)
{
    public string JsonPath { get; } = path;
}

/// <summary>
/// Reads Flagsmith evaluation-context JSON (JSONC accepted: comments and trailing commas). Number kinds
/// are kept (<c>1</c>, <c>1.0</c> and <c>true</c> differ). Errors name the JSON path of the bad field.
/// </summary>
public static class EvaluationContextReader
{
    public static readonly JsonDocumentOptions DocumentOptions = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
    };

    public static EvaluationContext Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(InfinityAsNumber(json), DocumentOptions);
        }
        catch (JsonException exception)
        {
            throw new EvaluationContextFormatException("$", $"not valid JSON ({exception.Message})", exception);
        }

        using (document)
        {
            return Read(document.RootElement);
        }
    }

    public static EvaluationContext Read(JsonElement root)
    {
        RequireKind(root, "$", JsonValueKind.Object);
        var environmentElement = Required(root, "$", "environment");
        RequireKind(environmentElement, "$.environment", JsonValueKind.Object);
        var environment = new EnvironmentContext(
            RequiredString(environmentElement, "$.environment", "key"),
            OptionalString(environmentElement, "$.environment", "name") ?? "");

        IdentityContext? identity = null;
        if (Optional(root, "identity") is { } identityElement)
        {
            identity = ReadIdentity(identityElement, "$.identity");
        }

        var segments = new List<SegmentContext>();
        if (Optional(root, "segments") is { } segmentsElement)
        {
            RequireKind(segmentsElement, "$.segments", JsonValueKind.Object);
            foreach (var member in segmentsElement.EnumerateObject())
            {
                segments.Add(ReadSegment(member.Value, $"$.segments{Member(member.Name)}", member.Name));
            }
        }

        var features = new List<FeatureContext>();
        if (Optional(root, "features") is { } featuresElement)
        {
            RequireKind(featuresElement, "$.features", JsonValueKind.Object);
            foreach (var member in featuresElement.EnumerateObject())
            {
                features.Add(ReadFeature(member.Value, $"$.features{Member(member.Name)}", member.Name));
            }
        }

        return new EvaluationContext { Environment = environment, Identity = identity, Segments = segments, Features = features };
    }

    private static IdentityContext ReadIdentity(JsonElement element, string path)
    {
        RequireKind(element, path, JsonValueKind.Object);
        var traits = new Dictionary<string, EngineValue>(StringComparer.Ordinal);
        if (Optional(element, "traits") is { } traitsElement)
        {
            RequireKind(traitsElement, $"{path}.traits", JsonValueKind.Object);
            foreach (var trait in traitsElement.EnumerateObject())
            {
                if (trait.Value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
                {
                    throw new EvaluationContextFormatException($"{path}.traits{Member(trait.Name)}", $"a trait value is a string, number, boolean or null, not {Describe(trait.Value)}");
                }

                traits[trait.Name] = ReadValue(trait.Value, $"{path}.traits{Member(trait.Name)}");
            }
        }

        return new IdentityContext(RequiredString(element, path, "identifier"))
        {
            Key = OptionalString(element, path, "key"),
            Traits = traits,
        };
    }

    private static SegmentContext ReadSegment(JsonElement element, string path, string id)
    {
        RequireKind(element, path, JsonValueKind.Object);
        var rules = new List<RuleContext>();
        if (Optional(element, "rules") is { } rulesElement)
        {
            RequireKind(rulesElement, $"{path}.rules", JsonValueKind.Array);
            var i = 0;
            foreach (var rule in rulesElement.EnumerateArray())
            {
                rules.Add(ReadRule(rule, $"{path}.rules[{i++}]"));
            }
        }

        var overrides = new List<FeatureContext>();
        if (Optional(element, "overrides") is { } overridesElement)
        {
            RequireKind(overridesElement, $"{path}.overrides", JsonValueKind.Array);
            var i = 0;
            foreach (var feature in overridesElement.EnumerateArray())
            {
                overrides.Add(ReadFeature(feature, $"{path}.overrides[{i++}]", null));
            }
        }

        return new SegmentContext(OptionalString(element, path, "key") ?? id, RequiredString(element, path, "name"))
        {
            Rules = rules,
            Overrides = overrides,
            Metadata = ReadMetadata(element, path),
        };
    }

    private static RuleContext ReadRule(JsonElement element, string path)
    {
        RequireKind(element, path, JsonValueKind.Object);
        var conditions = new List<ConditionContext>();
        if (Optional(element, "conditions") is { } conditionsElement)
        {
            RequireKind(conditionsElement, $"{path}.conditions", JsonValueKind.Array);
            var i = 0;
            foreach (var condition in conditionsElement.EnumerateArray())
            {
                var conditionPath = $"{path}.conditions[{i++}]";
                RequireKind(condition, conditionPath, JsonValueKind.Object);
                var value = Optional(condition, "value") is { } valueElement ? ReadValue(valueElement, $"{conditionPath}.value") : EngineValue.FromString("");
                if (value.Kind == EngineValueKind.Object)
                {
                    throw new EvaluationContextFormatException($"{conditionPath}.value", "a condition value is a string or an array of strings, not an object");
                }

                conditions.Add(new ConditionContext(
                    OptionalString(condition, conditionPath, "property") ?? "",
                    RequiredString(condition, conditionPath, "operator"),
                    value));
            }
        }

        var rules = new List<RuleContext>();
        if (Optional(element, "rules") is { } rulesElement)
        {
            RequireKind(rulesElement, $"{path}.rules", JsonValueKind.Array);
            var i = 0;
            foreach (var rule in rulesElement.EnumerateArray())
            {
                rules.Add(ReadRule(rule, $"{path}.rules[{i++}]"));
            }
        }

        return new RuleContext(RequiredString(element, path, "type")) { Conditions = conditions, Rules = rules };
    }

    private static FeatureContext ReadFeature(JsonElement element, string path, string? name)
    {
        RequireKind(element, path, JsonValueKind.Object);
        var enabledElement = Required(element, path, "enabled");
        if (enabledElement.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            throw new EvaluationContextFormatException($"{path}.enabled", $"expected true or false, found {Describe(enabledElement)}");
        }

        var variants = new List<VariantContext>();
        if (Optional(element, "variants") is { } variantsElement)
        {
            RequireKind(variantsElement, $"{path}.variants", JsonValueKind.Array);
            var i = 0;
            foreach (var variant in variantsElement.EnumerateArray())
            {
                var variantPath = $"{path}.variants[{i++}]";
                RequireKind(variant, variantPath, JsonValueKind.Object);
                var weightElement = Required(variant, variantPath, "weight");
                RequireKind(weightElement, $"{variantPath}.weight", JsonValueKind.Number);
                variants.Add(new VariantContext(
                    Optional(variant, "value") is { } v ? ReadValue(v, $"{variantPath}.value") : EngineValue.Null,
                    ReadValue(weightElement, $"{variantPath}.weight"),
                    ReadPriority(Required(variant, variantPath, "priority"), $"{variantPath}.priority"))
                {
                    Key = OptionalString(variant, variantPath, "key"),
                });
            }
        }

        return new FeatureContext(
            RequiredKey(element, path),
            name is null ? RequiredString(element, path, "name") : OptionalString(element, path, "name") ?? name,
            enabledElement.ValueKind == JsonValueKind.True,
            Optional(element, "value") is { } valueElement ? ReadValue(valueElement, $"{path}.value") : EngineValue.Null)
        {
            Variants = variants,
            Priority = Optional(element, "priority") is { } priority ? ReadPriority(priority, $"{path}.priority") : null,
            Metadata = ReadMetadata(element, path),
        };
    }

    // A feature key is a string; a number is taken by its text (documents carry numeric ids).
    private static string RequiredKey(JsonElement element, string path)
    {
        var key = Required(element, path, "key");
        return key.ValueKind switch
        {
            JsonValueKind.String => key.GetString()!,
            JsonValueKind.Number => EngineValue.FromNumberLiteral(key.GetRawText()).ToPythonString(),
            _ => throw new EvaluationContextFormatException($"{path}.key", $"expected a string, found {Describe(key)}"),
        };
    }

    // Priorities are numbers; "-Infinity"/"inf" as strings stand in for what JSON cannot write.
    private static double ReadPriority(JsonElement element, string path)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            return double.Parse(element.GetRawText(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (element.ValueKind == JsonValueKind.String && PythonText.TryParseFloat(element.GetString()!, out var value))
        {
            return value;
        }

        throw new EvaluationContextFormatException(path, $"expected a number, found {Describe(element)}");
    }

    /// <summary>
    /// Python's <c>json.dumps</c> writes an infinite priority as the bare token <c>-Infinity</c>, which JSON does
    /// not allow; it becomes the number <c>-1e999</c>, which reads back as an infinite double.
    /// </summary>
    internal static string InfinityAsNumber(string json)
    {
        if (!json.Contains("Infinity", StringComparison.Ordinal))
        {
            return json;
        }

        var builder = new System.Text.StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (c == '"')
            {
                var end = i + 1;
                while (end < json.Length && json[end] != '"')
                {
                    end += json[end] == '\\' ? 2 : 1;
                }

                end = Math.Min(end, json.Length - 1);
                builder.Append(json, i, end - i + 1);
                i = end;
            }
            else if (c == '/' && i + 1 < json.Length && json[i + 1] is '/' or '*')
            {
                var end = json[i + 1] == '/' ? json.IndexOf('\n', i) : json.IndexOf("*/", i + 2, StringComparison.Ordinal) + 1;
                end = end <= 0 ? json.Length - 1 : end;
                builder.Append(json, i, end - i + 1);
                i = end;
            }
            else if (c == 'I' && string.CompareOrdinal(json, i, "Infinity", 0, 8) == 0
                && (i + 8 == json.Length || !char.IsAsciiLetterOrDigit(json[i + 8])))
            {
                builder.Append("1e999");
                i += 7;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static JsonElement? ReadMetadata(JsonElement element, string path)
    {
        if (Optional(element, "metadata") is not { } metadata)
        {
            return null;
        }

        RequireKind(metadata, $"{path}.metadata", JsonValueKind.Object);
        return metadata.Clone();
    }

    private static EngineValue ReadValue(JsonElement element, string path)
    {
        try
        {
            return EngineValue.FromJson(element);
        }
        catch (FormatException exception)
        {
            throw new EvaluationContextFormatException(path, exception.Message, exception);
        }
    }

    private static JsonElement? Optional(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static JsonElement Required(JsonElement element, string path, string name) =>
        Optional(element, name) ?? throw new EvaluationContextFormatException($"{path}.{name}", "is required");

    private static string RequiredString(JsonElement element, string path, string name)
    {
        var value = Required(element, path, name);
        RequireKind(value, $"{path}.{name}", JsonValueKind.String);
        return value.GetString()!;
    }

    private static string? OptionalString(JsonElement element, string path, string name)
    {
        if (Optional(element, name) is not { } value)
        {
            return null;
        }

        RequireKind(value, $"{path}.{name}", JsonValueKind.String);
        return value.GetString();
    }

    private static void RequireKind(JsonElement element, string path, JsonValueKind kind)
    {
        if (element.ValueKind != kind)
        {
            throw new EvaluationContextFormatException(path, $"expected {Describe(kind)}, found {Describe(element)}");
        }
    }

    private static string Describe(JsonElement element) => Describe(element.ValueKind);

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static string Member(string name) =>
        name.Length > 0 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
            ? $".{name}"
            : $"['{name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "\\'", StringComparison.Ordinal)}']";
}
