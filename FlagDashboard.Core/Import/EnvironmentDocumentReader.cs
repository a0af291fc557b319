using System.Globalization;
using System.Text.Json;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Segments;

namespace FlagDashboard.Core.Import;

/// <summary>
/// Reads and validates a whole Flagsmith environment document before anything is written, collecting
/// every fault with the JSON path of its field. Fields the SDKs do not read are ignored.
/// </summary>
internal sealed class EnvironmentDocumentReader
{
    // Allocations are binary doubles: 33.3 + 33.3 + 33.4 is not exactly 100.
    private const double PercentageTolerance = 1e-9;
    private const int MaxErrors = 100;

    private readonly List<DocumentError> _errors = [];

    // Names of the environment's own states, also of those with faults, so that one fault is reported once.
    private readonly HashSet<string> _environmentFeatureNames = new(StringComparer.Ordinal);

    private readonly List<(DocumentWeight Weight, string? Uuid)> _weightsWithoutId = [];
    private long _largestWeightId;

    private EnvironmentDocumentReader()
    {
    }

    private enum StateKind
    {
        Environment,
        Segment,
        Identity,
    }

    /// <exception cref="EnvironmentDocumentException">The document has one or more faults.</exception>
    public static EnvironmentDocument Read(JsonElement root)
    {
        var reader = new EnvironmentDocumentReader();
        var document = reader.ReadDocument(root);
        if (reader._errors.Count > 0 || document is null)
        {
            throw new EnvironmentDocumentException(reader._errors.Count > 0 ? reader._errors : [new DocumentError("$", "the document could not be read")]);
        }

        return document;
    }

    private EnvironmentDocument? ReadDocument(JsonElement root)
    {
        const string path = "$";
        if (!IsKind(root, JsonValueKind.Object, path))
        {
            return null;
        }

        var apiKey = ReadString(root, "api_key", path, required: true, FieldLimits.Key);
        if (apiKey is not null && apiKey.StartsWith(ServerSideKey.Prefix, StringComparison.Ordinal))
        {
            AddError($"{path}.api_key", $"a client key cannot start with \"{ServerSideKey.Prefix}\", the prefix of server-side keys");
        }

        var name = ReadString(root, "name", path, required: false, FieldLimits.Name);

        var featureStates = ReadArray(root, "feature_states", path, required: true,
            (element, itemPath) => ReadFeatureState(element, itemPath, StateKind.Environment));

        var hideDisabledFlags = false;
        IReadOnlyList<DocumentSegment> segments = [];
        if (TryGetRequired(root, "project", path, out var project) && IsKind(project, JsonValueKind.Object, $"{path}.project"))
        {
            hideDisabledFlags = ReadBool(project, "hide_disabled_flags", $"{path}.project", required: false) ?? false;
            segments = ReadArray(project, "segments", $"{path}.project", required: false, ReadSegment);
        }

        var identities = ReadArray(root, "identity_overrides", path, required: false, ReadIdentity);

        CheckReferences(featureStates, segments, identities);
        NumberWeightsWithoutId();

        return apiKey is null ? null : new EnvironmentDocument(apiKey, name, hideDisabledFlags, featureStates, segments, identities);
    }

    private DocumentFeatureState? ReadFeatureState(JsonElement element, string path, StateKind kind)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        string? featureName = null;
        FeatureType? featureType = null;
        if (TryGetRequired(element, "feature", path, out var feature) && IsKind(feature, JsonValueKind.Object, $"{path}.feature"))
        {
            featureName = ReadString(feature, "name", $"{path}.feature", required: true, FieldLimits.FeatureName);
            // Older Flagsmith projects also have FLAG and CONFIG features; to the SDKs all but MULTIVARIATE are standard.
            var typeName = ReadString(feature, "type", $"{path}.feature", required: false, FieldLimits.Name);
            featureType = typeName switch
            {
                null => null,
                "MULTIVARIATE" => FeatureType.Multivariate,
                _ => FeatureType.Standard,
            };
        }

        if (kind == StateKind.Environment && featureName is not null)
        {
            _environmentFeatureNames.Add(featureName);
        }

        var enabled = ReadBool(element, "enabled", path, required: true);
        var djangoId = ReadInteger(element, "django_id", path, required: false);
        var uuid = ReadString(element, "featurestate_uuid", path, required: false, FieldLimits.Key);
        var hashKey = djangoId?.ToString(CultureInfo.InvariantCulture) ?? uuid;
        if (hashKey is null)
        {
            AddError(path, "a feature state needs a django_id or a featurestate_uuid: it is the key its percentage splits hash");
        }

        var value = element.TryGetProperty("feature_state_value", out var valueElement)
            ? ReadValue(valueElement, $"{path}.feature_state_value")
            : FlagValue.None;

        var priority = ReadFeatureSegment(element, path, kind);
        var weights = ReadArray(element, "multivariate_feature_state_values", path, required: false, ReadWeight);
        CheckWeights(weights, $"{path}.multivariate_feature_state_values");

        return featureName is null || enabled is null || hashKey is null
            ? null
            : new DocumentFeatureState(path, featureName, featureType, enabled.Value, value, hashKey, uuid, priority, weights);
    }

    private int? ReadFeatureSegment(JsonElement element, string path, StateKind kind)
    {
        var segmentPath = $"{path}.feature_segment";
        if (!element.TryGetProperty("feature_segment", out var featureSegment) || featureSegment.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (kind != StateKind.Segment)
        {
            AddError(segmentPath, kind == StateKind.Environment
                ? "expected null: an environment's own feature state has no feature_segment"
                : "expected null: an identity override has no feature_segment");
            return null;
        }

        if (!IsKind(featureSegment, JsonValueKind.Object, segmentPath))
        {
            return null;
        }

        var priority = ReadInteger(featureSegment, "priority", segmentPath, required: false);
        if (priority is < int.MinValue or > int.MaxValue)
        {
            AddError($"{segmentPath}.priority", $"{priority} is outside the supported range of priorities");
            return null;
        }

        return (int?)priority;
    }

    private DocumentWeight? ReadWeight(JsonElement element, string path)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        var id = ReadInteger(element, "id", path, required: false);
        var uuid = id is null ? ReadString(element, "mv_fs_value_uuid", path, required: false, FieldLimits.Key) : null;
        var percentage = ReadNumber(element, "percentage_allocation", path, required: true);
        if (percentage is < 0 or > 100)
        {
            AddError($"{path}.percentage_allocation", $"{Format(percentage.Value)} is not a percentage from 0 to 100");
            percentage = null;
        }

        long? optionId = null;
        var optionValue = FlagValue.None;
        var hasOption = false;
        if (TryGetRequired(element, "multivariate_feature_option", path, out var option)
            && IsKind(option, JsonValueKind.Object, $"{path}.multivariate_feature_option"))
        {
            hasOption = true;
            optionId = ReadInteger(option, "id", $"{path}.multivariate_feature_option", required: false);
            optionValue = option.TryGetProperty("value", out var valueElement)
                ? ReadValue(valueElement, $"{path}.multivariate_feature_option.value")
                : FlagValue.None;
        }

        if (percentage is null || !hasOption)
        {
            return null;
        }

        var weight = new DocumentWeight(percentage.Value, optionId, optionValue);
        if (id is { } documentId)
        {
            weight.Id = documentId;
            _largestWeightId = Math.Max(_largestWeightId, documentId);
        }
        else
        {
            _weightsWithoutId.Add((weight, uuid));
        }

        return weight;
    }

    /// <summary>Numbers the values without an id after every id of the document, ordered by their uuid as a number.</summary>
    private void NumberWeightsWithoutId()
    {
        var ordered = _weightsWithoutId
            .Select((entry, index) => (entry.Weight, Order: Guid.TryParse(entry.Uuid, out var uuid) ? uuid.ToString("N") : null, index))
            .OrderBy(entry => entry.Order is null)
            .ThenBy(entry => entry.Order, StringComparer.Ordinal)
            .ThenBy(entry => entry.index);
        var next = _largestWeightId;
        foreach (var (weight, _, _) in ordered)
        {
            weight.Id = ++next;
        }
    }

    private void CheckWeights(IReadOnlyList<DocumentWeight> weights, string path)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < weights.Count; i++)
        {
            if (!seen.Add(weights[i].OptionKey))
            {
                AddError($"{path}[{i}].multivariate_feature_option", $"{weights[i].DescribeOption} already has a share in this feature state");
            }
        }

        var total = weights.Sum(w => w.Percentage);
        if (total > 100 + PercentageTolerance)
        {
            AddError(path, $"the percentage allocations add up to {Format(total)}, more than 100");
        }
    }

    private DocumentSegment? ReadSegment(JsonElement element, string path)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        var id = ReadInteger(element, "id", path, required: true);
        var name = ReadString(element, "name", path, required: true, FieldLimits.Name);
        var rules = ReadArray(element, "rules", path, required: false, ReadRule);
        var overrides = ReadArray(element, "feature_states", path, required: false,
            (state, statePath) => ReadFeatureState(state, statePath, StateKind.Segment));

        return id is null || name is null ? null : new DocumentSegment(path, id.Value, name, [.. rules], overrides);
    }

    private SegmentRule? ReadRule(JsonElement element, string path)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        var typeName = ReadString(element, "type", path, required: true, FieldLimits.Name);
        RuleType? type = typeName switch
        {
            null => null,
            "ALL" => RuleType.All,
            "ANY" => RuleType.Any,
            "NONE" => RuleType.None,
            _ => Invalid<RuleType?>($"{path}.type", $"unknown rule type \"{typeName}\" (expected ALL, ANY or NONE)"),
        };
        var conditions = ReadArray(element, "conditions", path, required: false, ReadCondition);
        var rules = ReadArray(element, "rules", path, required: false, ReadRule);

        return type is null ? null : new SegmentRule { Type = type.Value, Conditions = [.. conditions], Rules = [.. rules] };
    }

    private Condition? ReadCondition(JsonElement element, string path)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        var operatorName = ReadString(element, "operator", path, required: true, FieldLimits.Name);
        if (operatorName is not null && !Operators.IsKnown(operatorName))
        {
            AddError($"{path}.operator", $"unknown operator \"{operatorName}\"");
            operatorName = null;
        }

        var property = ReadString(element, "property_", path, required: false, FieldLimits.ConditionProperty, allowEmpty: true) ?? "";

        string? value = null;
        var valuePath = $"{path}.value";
        if (element.TryGetProperty("value", out var valueElement))
        {
            // The engine reads a string starting with "[" as a list, so a list keeps its meaning as JSON text.
            value = valueElement.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => ReadText(valueElement, valuePath),
                JsonValueKind.Number or JsonValueKind.Array => valueElement.GetRawText(),
                _ => Invalid<string?>(valuePath, $"expected a string, found {Describe(valueElement.ValueKind)}"),
            };
            if (value?.Length > FieldLimits.ConditionValue)
            {
                AddError(valuePath, $"longer than {FieldLimits.ConditionValue} characters");
            }
        }

        return operatorName is null ? null : new Condition { Operator = operatorName, Property = property, Value = value };
    }

    private DocumentIdentity? ReadIdentity(JsonElement element, string path)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        var identifier = ReadString(element, "identifier", path, required: true, FieldLimits.Identifier);
        var overrides = ReadArray(element, "identity_features", path, required: false,
            (state, statePath) => ReadFeatureState(state, statePath, StateKind.Identity));
        var traits = ReadArray(element, "identity_traits", path, required: false, ReadTrait);

        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < traits.Count; i++)
        {
            if (!keys.Add(traits[i].Key))
            {
                AddError($"{path}.identity_traits[{i}].trait_key", $"trait \"{traits[i].Key}\" appears more than once");
            }
        }

        return identifier is null ? null : new DocumentIdentity(path, identifier, traits, overrides);
    }

    private DocumentTrait? ReadTrait(JsonElement element, string path)
    {
        if (!IsKind(element, JsonValueKind.Object, path))
        {
            return null;
        }

        var key = ReadString(element, "trait_key", path, required: true, FieldLimits.TraitKey);
        var value = element.TryGetProperty("trait_value", out var valueElement)
            ? ReadValue(valueElement, $"{path}.trait_value")
            : FlagValue.None;
        return key is null ? null : new DocumentTrait(key, value);
    }

    /// <summary>Checks what ties the parts together: unique names, and overrides of features the document has.</summary>
    private void CheckReferences(
        IReadOnlyList<DocumentFeatureState> featureStates,
        IReadOnlyList<DocumentSegment> segments,
        IReadOnlyList<DocumentIdentity> identities)
    {
        var features = new Dictionary<string, DocumentFeatureState>(StringComparer.Ordinal);
        foreach (var state in featureStates)
        {
            if (!features.TryAdd(state.FeatureName, state))
            {
                AddError($"{state.Path}.feature.name", $"feature \"{state.FeatureName}\" already has a state at {features[state.FeatureName].Path}");
            }
        }

        var segmentNames = new Dictionary<string, string>(StringComparer.Ordinal);
        var segmentIds = new Dictionary<long, string>();
        foreach (var segment in segments)
        {
            if (!segmentNames.TryAdd(segment.Name, segment.Path))
            {
                AddError($"{segment.Path}.name", $"segment \"{segment.Name}\" is already defined at {segmentNames[segment.Name]}");
            }

            if (!segmentIds.TryAdd(segment.Id, segment.Path))
            {
                AddError($"{segment.Path}.id", $"segment id {segment.Id} is already used at {segmentIds[segment.Id]}");
            }

            CheckOverrides(segment.Overrides, "segment");
        }

        var identifiers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var identity in identities)
        {
            if (!identifiers.TryAdd(identity.Identifier, identity.Path))
            {
                AddError($"{identity.Path}.identifier", $"identity \"{identity.Identifier}\" is already listed at {identifiers[identity.Identifier]}");
            }

            CheckOverrides(identity.Overrides, "identity");
        }

        // An option is one value of a feature wherever it appears.
        var options = new Dictionary<(string Feature, long Option), (FlagValue Value, string Path)>();
        foreach (var state in featureStates.Concat(segments.SelectMany(s => s.Overrides)).Concat(identities.SelectMany(i => i.Overrides)))
        {
            for (var i = 0; i < state.Weights.Count; i++)
            {
                var weight = state.Weights[i];
                var weightPath = $"{state.Path}.multivariate_feature_state_values[{i}].multivariate_feature_option";
                if (weight.OptionId is { } optionId
                    && !options.TryAdd((state.FeatureName, optionId), (weight.OptionValue, weightPath))
                    && options[(state.FeatureName, optionId)] is var (firstValue, firstPath)
                    && firstValue != weight.OptionValue)
                {
                    AddError($"{weightPath}.value", $"option {weight.OptionId} of feature \"{state.FeatureName}\" has the value {firstValue} at {firstPath}");
                }
            }
        }
    }

    private void CheckOverrides(IReadOnlyList<DocumentFeatureState> overrides, string owner)
    {
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var state in overrides)
        {
            if (!_environmentFeatureNames.Contains(state.FeatureName))
            {
                AddError($"{state.Path}.feature.name", $"feature \"{state.FeatureName}\" has no state in $.feature_states");
            }

            if (!seen.TryAdd(state.FeatureName, state.Path))
            {
                AddError($"{state.Path}.feature.name", $"this {owner} already overrides feature \"{state.FeatureName}\" at {seen[state.FeatureName]}");
            }
        }
    }

    private FlagValue ReadValue(JsonElement element, string path)
    {
        FlagValue value;
        try
        {
            value = FlagValue.FromJson(element);
        }
        catch (FormatException exception)
        {
            AddError(path, exception.Message);
            return FlagValue.None;
        }

        if (value.Type == FlagValueType.String && value.AsString.Length > FieldLimits.Value)
        {
            AddError(path, $"longer than {FieldLimits.Value} characters");
        }
        else if (value.Type == FlagValueType.String && JsonText.HasNul(value.AsString))
        {
            AddError(path, "contains a NUL character (\\u0000), which cannot be stored");
        }

        return value;
    }

    /// <summary>A string's text, or null with an error when it is not valid Unicode or holds a NUL character.</summary>
    private string? ReadText(JsonElement element, string path)
    {
        string text;
        try
        {
            text = JsonText.GetString(element);
        }
        catch (FormatException exception)
        {
            AddError(path, exception.Message);
            return null;
        }

        if (JsonText.HasNul(text))
        {
            AddError(path, "contains a NUL character (\\u0000), which cannot be stored");
            return null;
        }

        return text;
    }

    private IReadOnlyList<T> ReadArray<T>(JsonElement parent, string name, string parentPath, bool required, Func<JsonElement, string, T?> readItem)
        where T : class
    {
        var path = $"{parentPath}.{name}";
        if (!parent.TryGetProperty(name, out var array) || (!required && array.ValueKind == JsonValueKind.Null))
        {
            if (required)
            {
                AddError(path, "required");
            }

            return [];
        }

        if (!IsKind(array, JsonValueKind.Array, path))
        {
            return [];
        }

        var items = new List<T>(array.GetArrayLength());
        var index = 0;
        foreach (var element in array.EnumerateArray())
        {
            if (readItem(element, $"{path}[{index++}]") is { } item)
            {
                items.Add(item);
            }
        }

        return items;
    }

    private string? ReadString(JsonElement parent, string name, string parentPath, bool required, int maxLength, bool allowEmpty = false)
    {
        var path = $"{parentPath}.{name}";
        if (!TryGetValue(parent, name, parentPath, required, out var element) || !IsKind(element, JsonValueKind.String, path))
        {
            return null;
        }

        if (ReadText(element, path) is not { } text)
        {
            return null;
        }

        if (!allowEmpty && string.IsNullOrWhiteSpace(text))
        {
            AddError(path, "must not be empty");
            return null;
        }

        if (text.Length > maxLength)
        {
            AddError(path, $"longer than {maxLength} characters");
            return null;
        }

        return text;
    }

    private bool? ReadBool(JsonElement parent, string name, string parentPath, bool required)
    {
        if (!TryGetValue(parent, name, parentPath, required, out var element))
        {
            return null;
        }

        if (element.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return element.GetBoolean();
        }

        AddError($"{parentPath}.{name}", $"expected a boolean, found {Describe(element.ValueKind)}");
        return null;
    }

    private long? ReadInteger(JsonElement parent, string name, string parentPath, bool required)
    {
        var path = $"{parentPath}.{name}";
        if (!TryGetValue(parent, name, parentPath, required, out var element) || !IsKind(element, JsonValueKind.Number, path))
        {
            return null;
        }

        if (element.TryGetInt64(out var integer))
        {
            return integer;
        }

        AddError(path, $"expected a whole number, found {element.GetRawText()}");
        return null;
    }

    private double? ReadNumber(JsonElement parent, string name, string parentPath, bool required)
    {
        var path = $"{parentPath}.{name}";
        if (!TryGetValue(parent, name, parentPath, required, out var element) || !IsKind(element, JsonValueKind.Number, path))
        {
            return null;
        }

        if (element.TryGetDouble(out var number) && double.IsFinite(number))
        {
            return number;
        }

        AddError(path, $"{element.GetRawText()} is not a finite number");
        return null;
    }

    /// <summary>Gets a property; null counts as absent, which is an error only when the property is required.</summary>
    private bool TryGetValue(JsonElement parent, string name, string parentPath, bool required, out JsonElement element)
    {
        if (parent.TryGetProperty(name, out element) && element.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        if (required)
        {
            AddError($"{parentPath}.{name}", "required");
        }

        return false;
    }

    private bool TryGetRequired(JsonElement parent, string name, string parentPath, out JsonElement element) =>
        TryGetValue(parent, name, parentPath, required: true, out element);

    private bool IsKind(JsonElement element, JsonValueKind kind, string path)
    {
        if (element.ValueKind == kind)
        {
            return true;
        }

        AddError(path, $"expected {Describe(kind)}, found {Describe(element.ValueKind)}");
        return false;
    }

    private T Invalid<T>(string path, string message)
    {
        AddError(path, message);
        return default!;
    }

    private void AddError(string path, string message)
    {
        if (_errors.Count < MaxErrors)
        {
            _errors.Add(new DocumentError(path, message));
        }
    }

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Format(double number) => number.ToString("R", CultureInfo.InvariantCulture);
}
