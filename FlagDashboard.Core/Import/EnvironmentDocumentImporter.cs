using System.Text.Json;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Identities;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Segments;
using FlagDashboard.Core.Versions;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Core.Import;

/// <summary>
/// Imports a Flagsmith environment document (the migration path). The environment is found by the
/// document's <c>api_key</c>: absent, it is created in the named organisation and project (created when
/// missing); present in that project, it is updated in place and keeps its server-side keys; present
/// under another project, the import stops. The whole document is validated before anything is
/// written, and everything is written in one transaction.
/// </summary>
/// <remarks>
/// The document is the truth for the environment it describes: its features' states, and the segment and
/// identity overrides in that environment, are made to match it (overrides it no longer has are
/// removed). What the project shares with other environments is only added to or updated: features,
/// options and segments the document lacks stay, and so do identities and traits it does not mention.
/// Hashing keys (<c>django_id</c> / <c>featurestate_uuid</c>, segment ids, variant ids) are kept so that
/// every split answers as it did in Flagsmith.
/// </remarks>
public sealed class EnvironmentDocumentImporter(IDbContextFactory<FlagDashboardDbContext> dbFactory, TimeProvider clock)
{
    public const string ServerSideKeyName = "Imported";

    /// <param name="environmentName">The name of an environment the import creates; null takes the document's <c>name</c>. An existing environment keeps its name.</param>
    /// <exception cref="EnvironmentDocumentException">The document is not valid JSON, breaks a rule, or its key belongs to another project.</exception>
    /// <exception cref="ValidationException">A name is empty or too long, or the environment name is taken in the project.</exception>
    public async Task<ImportResult> ImportAsync(
        string organisationName,
        string projectName,
        string? environmentName,
        Stream document,
        string actor,
        CancellationToken cancellationToken = default)
    {
        JsonDocument json;
        try
        {
            json = await JsonDocument.ParseAsync(document, default, cancellationToken);
        }
        catch (JsonException exception)
        {
            throw new EnvironmentDocumentException([new DocumentError(exception.Path ?? "$", $"invalid JSON: {exception.Message}")], exception);
        }

        using (json)
        {
            return await ImportAsync(organisationName, projectName, environmentName, json.RootElement, actor, cancellationToken);
        }
    }

    /// <inheritdoc cref="ImportAsync(string, string, string?, Stream, string, CancellationToken)"/>
    public async Task<ImportResult> ImportAsync(
        string organisationName,
        string projectName,
        string? environmentName,
        JsonElement document,
        string actor,
        CancellationToken cancellationToken = default)
    {
        CheckName(organisationName, nameof(organisationName));
        CheckName(projectName, nameof(projectName));
        if (environmentName is not null)
        {
            CheckName(environmentName, nameof(environmentName));
        }

        CheckName(actor, nameof(actor));

        var parsed = EnvironmentDocumentReader.Read(document);

        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var run = new ImportRun(db, parsed, clock.GetUtcNow());
        var environment = await run.LocateEnvironmentAsync(organisationName, projectName, environmentName, cancellationToken);
        if (environment.Id != 0)
        {
            await FeatureVersions.BaselineAsync(db, s => s.EnvironmentId == environment.Id, clock, cancellationToken);
        }

        await run.LoadProjectAsync(cancellationToken);
        run.Apply();
        var changes = run.MarkDocumentsUpdated();

        try
        {
            await db.SaveChangesAsync(cancellationToken);
            await FeatureVersions.RecordAsync(db, s => s.EnvironmentId == environment.Id, actor, "Imported", clock, cancellationToken);
            var counts = Count(parsed, run.OptionCount);
            var project = environment.Project!;
            AuditTrail.Record(db, actor, clock, new AuditChange(AuditAction.Imported, "Environment", environment.Id, environment.Name, new AuditScope(project.OrganisationId, project.Id, environment.Id))
            {
                After = new { environment.ClientKey, run.EnvironmentCreated, Changes = changes, Counts = counts },
            });
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);

            var serverSideKey = environment.ServerSideKeys.Where(k => k.IsActive).OrderBy(k => k.Id).First().Key;
            return new ImportResult(environment.Id, environment.Name, environment.ClientKey, serverSideKey, run.EnvironmentCreated, changes, counts);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConcurrencyConflictException("Environment", environment.Name);
        }
    }

    private static ImportCounts Count(EnvironmentDocument document, int options) => new(
        Features: document.FeatureStates.Count,
        MultivariateOptions: options,
        Segments: document.Segments.Count,
        SegmentOverrides: document.Segments.Sum(s => s.Overrides.Count),
        Identities: document.IdentityOverrides.Count,
        Traits: document.IdentityOverrides.Sum(i => i.Traits.Count(t => !t.Value.IsNone)),
        IdentityOverrides: document.IdentityOverrides.Sum(i => i.Overrides.Count));

    private static void CheckName(string value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ValidationException(field, "Must not be empty.");
        }

        if (value.Length > FieldLimits.Name)
        {
            throw new ValidationException(field, $"Must be at most {FieldLimits.Name} characters.");
        }
    }

    /// <summary>The state of one import: what was loaded, what the document maps to, what was created.</summary>
    private sealed class ImportRun(FlagDashboardDbContext db, EnvironmentDocument document, DateTimeOffset now)
    {
        private readonly Dictionary<string, Feature> _features = new(StringComparer.Ordinal);
        private readonly List<Feature> _createdFeatures = [];
        private readonly Dictionary<string, Segment> _segments = new(StringComparer.Ordinal);
        private readonly Dictionary<(Feature Feature, string OptionKey), MultivariateOption> _options = [];
        private readonly Dictionary<string, Identity> _identities = new(StringComparer.Ordinal);
        private readonly ILookup<string, DocumentFeatureState> _statesByFeature = document.AllFeatureStates.ToLookup(s => s.FeatureName, StringComparer.Ordinal);
        private List<ProjectEnvironment> _otherEnvironments = [];
        private List<FeatureState> _states = [];
        private long _nextWeightExternalId;
        private long _nextOptionExternalId;
        private ProjectEnvironment _environment = null!;
        private Project _project = null!;

        public bool EnvironmentCreated { get; private set; }

        /// <summary>The options the document's variants map to.</summary>
        public int OptionCount => _options.Values.Distinct().Count();

        public async Task<ProjectEnvironment> LocateEnvironmentAsync(
            string organisationName, string projectName, string? environmentName, CancellationToken cancellationToken)
        {
            var existing = await db.Environments
                .Include(e => e.Project!).ThenInclude(p => p.Organisation)
                .Include(e => e.ServerSideKeys)
                .SingleOrDefaultAsync(e => e.ClientKey == document.ApiKey, cancellationToken);
            if (existing is not null)
            {
                var owner = existing.Project!;
                if (owner.Name != projectName || owner.Organisation!.Name != organisationName)
                {
                    // Client keys are public (they ship in browser apps): the message must not tell whose environment this is.
                    throw new EnvironmentDocumentException(
                        "$.api_key",
                        $"an environment with this key already exists outside project \"{projectName}\" in organisation \"{organisationName}\"; nothing was imported");
                }

                _environment = existing;
                _project = owner;
                if (!existing.ServerSideKeys.Any(k => k.IsActive))
                {
                    existing.ServerSideKeys.Add(NewServerSideKey());
                }

                return existing;
            }

            var organisation = await db.Organisations.SingleOrDefaultAsync(o => o.Name == organisationName, cancellationToken);
            if (organisation is null)
            {
                organisation = new Organisation { Name = organisationName, CreatedAt = now };
                db.Organisations.Add(organisation);
            }

            var project = organisation.Id == 0
                ? null
                : await db.Projects.SingleOrDefaultAsync(p => p.OrganisationId == organisation.Id && p.Name == projectName, cancellationToken);
            if (project is null)
            {
                project = new Project { Organisation = organisation, Name = projectName, HideDisabledFlags = document.HideDisabledFlags, CreatedAt = now };
                db.Projects.Add(project);
            }

            var name = environmentName ?? document.Name
                ?? throw new EnvironmentDocumentException("$.name", "required when the import names no environment");
            if (project.Id != 0 && await db.Environments.AnyAsync(e => e.ProjectId == project.Id && e.Name == name, cancellationToken))
            {
                var message = $"project \"{projectName}\" already has an environment named \"{name}\", with another client key";
                throw environmentName is null
                    ? new EnvironmentDocumentException("$.name", message)
                    : new ValidationException(nameof(environmentName), message);
            }

            _project = project;
            _environment = new ProjectEnvironment
            {
                Project = project,
                Name = name,
                ClientKey = document.ApiKey,
                CreatedAt = now,
                DocumentUpdatedAt = now,
                ServerSideKeys = [NewServerSideKey()],
            };
            db.Environments.Add(_environment);
            EnvironmentCreated = true;
            return _environment;
        }

        public async Task LoadProjectAsync(CancellationToken cancellationToken)
        {
            if (_project.Id != 0)
            {
                var features = await db.Features.Include(f => f.Options).Where(f => f.ProjectId == _project.Id).ToListAsync(cancellationToken);
                foreach (var feature in features)
                {
                    _features.Add(feature.Name, feature);
                }

                var segments = await db.Segments.Where(s => s.ProjectId == _project.Id).ToListAsync(cancellationToken);
                foreach (var segment in segments)
                {
                    _segments.Add(segment.Name, segment);
                }

                _otherEnvironments = await db.Environments
                    .Where(e => e.ProjectId == _project.Id && e.Id != _environment.Id)
                    .ToListAsync(cancellationToken);
            }

            if (_environment.Id != 0)
            {
                _states = await db.FeatureStates.Include(s => s.Weights)
                    .Where(s => s.EnvironmentId == _environment.Id)
                    .ToListAsync(cancellationToken);
                var identifiers = document.IdentityOverrides.Select(i => i.Identifier).ToList();
                var identities = await db.Identities.Include(i => i.Traits)
                    // One JSON parameter rather than one parameter per identifier: a document may list thousands.
                    .Where(i => i.EnvironmentId == _environment.Id && EF.Parameter(identifiers).Contains(i.Identifier))
                    .ToListAsync(cancellationToken);
                foreach (var identity in identities)
                {
                    _identities.Add(identity.Identifier, identity);
                }
            }

            var largestWeightId = await db.MultivariateWeights.MaxAsync(w => (long?)w.ExternalId, cancellationToken) ?? 0;
            var largestDocumentWeightId = document.AllFeatureStates.SelectMany(s => s.Weights).Select(w => w.Id).DefaultIfEmpty(0).Max();
            _nextWeightExternalId = Math.Max(largestWeightId, largestDocumentWeightId) + 1;
            var largestOptionId = await db.MultivariateOptions.MaxAsync(o => (long?)o.ExternalId, cancellationToken) ?? 0;
            var largestDocumentOptionId = document.AllFeatureStates.SelectMany(s => s.Weights).Max(w => w.OptionId) ?? 0;
            _nextOptionExternalId = Math.Max(largestOptionId, largestDocumentOptionId) + 1;
        }

        public void Apply()
        {
            if (_project.HideDisabledFlags != document.HideDisabledFlags)
            {
                _project.HideDisabledFlags = document.HideDisabledFlags;
            }

            ApplyFeatures();
            ApplySegments();
            ApplyEnvironmentStates();
            ApplySegmentOverrides();
            ApplyIdentities();
        }

        /// <summary>
        /// Counts the rows the import changes; when there are any, marks this environment's document (and
        /// those of the project's other environments, when shared things changed) as updated now.
        /// </summary>
        public int MarkDocumentsUpdated()
        {
            db.ChangeTracker.DetectChanges();
            var changed = db.ChangeTracker.Entries()
                .Where(e => e.State is EntityState.Added or EntityState.Modified or EntityState.Deleted)
                .ToList();
            if (changed.Count == 0)
            {
                return 0;
            }

            _environment.DocumentUpdatedAt = now;
            if (changed.Any(e => e.Entity is Project or Feature or MultivariateOption or Segment))
            {
                foreach (var other in _otherEnvironments)
                {
                    other.DocumentUpdatedAt = now;
                }
            }

            return changed.Count;
        }

        private void ApplyFeatures()
        {
            foreach (var state in document.FeatureStates)
            {
                if (!_features.TryGetValue(state.FeatureName, out var feature))
                {
                    feature = new Feature
                    {
                        Project = _project,
                        Name = state.FeatureName,
                        DefaultEnabled = state.Enabled,
                        InitialValue = state.Value,
                        CreatedAt = now,
                    };
                    db.Features.Add(feature);
                    _features.Add(feature.Name, feature);
                    _createdFeatures.Add(feature);
                }

                ApplyOptions(feature, state);
                var type = state.FeatureType == FeatureType.Multivariate || feature.Options.Count > 0
                    ? FeatureType.Multivariate
                    : FeatureType.Standard;
                if (feature.Type != type)
                {
                    feature.Type = type;
                }
            }
        }

        /// <summary>Maps the document's options of a feature to ours: by Flagsmith's id, then by value; creates the rest.</summary>
        private void ApplyOptions(Feature feature, DocumentFeatureState environmentState)
        {
            var wanted = _statesByFeature[feature.Name]
                .SelectMany(s => s.Weights)
                .DistinctBy(w => w.OptionKey)
                .ToList();
            var unmatched = feature.Options.ToList();
            var pending = new List<DocumentWeight>();
            foreach (var weight in wanted)
            {
                var option = weight.OptionId is { } optionId ? unmatched.FirstOrDefault(o => o.ExternalId == optionId) : null;
                if (option is null)
                {
                    pending.Add(weight);
                    continue;
                }

                unmatched.Remove(option);
                UpdateOption(option, weight);
            }

            // Options with an id first, so that an option known only by its value finds the option it names.
            foreach (var weight in pending.OrderBy(w => w.OptionId is null))
            {
                var option = unmatched.FirstOrDefault(o => o.Value == weight.OptionValue);
                if (option is null && weight.OptionId is null)
                {
                    option = feature.Options.FirstOrDefault(o => o.Value == weight.OptionValue);
                    if (option is not null)
                    {
                        _options[(feature, weight.OptionKey)] = option;
                        continue;
                    }
                }

                if (option is null)
                {
                    option = new MultivariateOption
                    {
                        Feature = feature,
                        Value = weight.OptionValue,
                        ExternalId = weight.OptionId ?? _nextOptionExternalId++,
                        DefaultWeight = environmentState.Weights.FirstOrDefault(w => w.OptionKey == weight.OptionKey)?.Percentage ?? 0,
                    };
                    db.MultivariateOptions.Add(option);
                    if (!feature.Options.Contains(option))
                    {
                        feature.Options.Add(option);
                    }
                }
                else
                {
                    unmatched.Remove(option);
                    UpdateOption(option, weight);
                }

                _options[(feature, weight.OptionKey)] = option;
            }

            void UpdateOption(MultivariateOption option, DocumentWeight weight)
            {
                if (weight.OptionId is { } optionId && option.ExternalId != optionId)
                {
                    option.ExternalId = optionId;
                }

                if (option.Value != weight.OptionValue)
                {
                    option.Value = weight.OptionValue;
                }

                _options[(feature, weight.OptionKey)] = option;
            }
        }

        private void ApplySegments()
        {
            foreach (var documentSegment in document.Segments)
            {
                if (!_segments.TryGetValue(documentSegment.Name, out var segment))
                {
                    segment = new Segment { Project = _project, Name = documentSegment.Name, CreatedAt = now };
                    db.Segments.Add(segment);
                    _segments.Add(segment.Name, segment);
                }

                if (segment.ExternalId != documentSegment.Id)
                {
                    segment.ExternalId = documentSegment.Id;
                }

                // The rules column compares by content, so the same rules leave the segment unchanged.
                segment.Rules = documentSegment.Rules;
            }
        }

        /// <summary>Every feature of the project gets one default state here, and a new feature one in every other environment.</summary>
        private void ApplyEnvironmentStates()
        {
            var defaults = _states.Where(s => s.IsEnvironmentDefault).ToDictionary(s => s.FeatureId);
            var documented = new HashSet<Feature>();
            foreach (var documentState in document.FeatureStates)
            {
                var feature = _features[documentState.FeatureName];
                documented.Add(feature);
                if (feature.Id == 0 || !defaults.TryGetValue(feature.Id, out var state))
                {
                    state = NewState(feature, documentState);
                }

                ApplyState(state, feature, documentState);
            }

            foreach (var feature in _features.Values.Where(f => !documented.Contains(f) && !defaults.ContainsKey(f.Id)))
            {
                AddDefaultState(feature, _environment);
            }

            foreach (var feature in _createdFeatures)
            {
                foreach (var other in _otherEnvironments)
                {
                    AddDefaultState(feature, other);
                }
            }
        }

        private void ApplySegmentOverrides()
        {
            var existing = _states.Where(s => s.SegmentId is not null).ToDictionary(s => (s.FeatureId, SegmentId: s.SegmentId!.Value));
            var kept = new HashSet<FeatureState>();
            foreach (var documentSegment in document.Segments)
            {
                var segment = _segments[documentSegment.Name];
                foreach (var documentState in documentSegment.Overrides)
                {
                    var feature = _features[documentState.FeatureName];
                    if (feature.Id == 0 || segment.Id == 0 || !existing.TryGetValue((feature.Id, segment.Id), out var state))
                    {
                        state = NewState(feature, documentState);
                        state.Segment = segment;
                    }

                    kept.Add(state);
                    ApplyState(state, feature, documentState);
                }
            }

            RemoveAllBut(existing.Values, kept);
        }

        private void ApplyIdentities()
        {
            var existing = _states.Where(s => s.IdentityId is not null).ToDictionary(s => (IdentityId: s.IdentityId!.Value, s.FeatureId));
            var kept = new HashSet<FeatureState>();
            foreach (var documentIdentity in document.IdentityOverrides)
            {
                if (!_identities.TryGetValue(documentIdentity.Identifier, out var identity))
                {
                    identity = new Identity { Environment = _environment, Identifier = documentIdentity.Identifier, CreatedAt = now };
                    db.Identities.Add(identity);
                    _identities.Add(identity.Identifier, identity);
                }

                ApplyTraits(identity, documentIdentity.Traits);
                foreach (var documentState in documentIdentity.Overrides)
                {
                    var feature = _features[documentState.FeatureName];
                    if (feature.Id == 0 || identity.Id == 0 || !existing.TryGetValue((identity.Id, feature.Id), out var state))
                    {
                        state = NewState(feature, documentState);
                        state.Identity = identity;
                    }

                    kept.Add(state);
                    ApplyState(state, feature, documentState);
                }
            }

            RemoveAllBut(existing.Values, kept);
        }

        /// <summary>Sets the document's traits; other traits of the identity stay (an SDK may have stored them), a null value removes one.</summary>
        private void ApplyTraits(Identity identity, IReadOnlyList<DocumentTrait> traits)
        {
            foreach (var documentTrait in traits)
            {
                var trait = identity.Traits.FirstOrDefault(t => t.Key == documentTrait.Key);
                if (documentTrait.Value.IsNone)
                {
                    if (trait is not null)
                    {
                        identity.Traits.Remove(trait);
                        db.Traits.Remove(trait);
                    }
                }
                else if (trait is null)
                {
                    var added = new Trait { Identity = identity, Key = documentTrait.Key, Value = documentTrait.Value };
                    identity.Traits.Add(added);
                    db.Traits.Add(added);
                }
                else if (trait.Value != documentTrait.Value)
                {
                    trait.Value = documentTrait.Value;
                }
            }
        }

        private FeatureState NewState(Feature feature, DocumentFeatureState documentState)
        {
            var state = new FeatureState
            {
                Feature = feature,
                Environment = _environment,
                HashKey = documentState.HashKey,
                Uuid = documentState.Uuid ?? Guid.NewGuid().ToString(),
                UpdatedAt = now,
            };
            db.FeatureStates.Add(state);
            return state;
        }

        /// <summary>A state from the feature's defaults, with a fresh hashing key, as a new environment gets it.</summary>
        private void AddDefaultState(Feature feature, ProjectEnvironment environment)
        {
            var uuid = Guid.NewGuid().ToString();
            var state = new FeatureState
            {
                Feature = feature,
                Environment = environment,
                Enabled = feature.DefaultEnabled,
                Value = feature.InitialValue,
                HashKey = uuid,
                Uuid = uuid,
                UpdatedAt = now,
            };
            var total = 0.0;
            foreach (var option in feature.Options)
            {
                total += option.DefaultWeight;
                if (total > 100)
                {
                    break;
                }

                state.Weights.Add(new MultivariateWeight { Option = option, Percentage = option.DefaultWeight, ExternalId = _nextWeightExternalId++ });
            }

            db.FeatureStates.Add(state);
        }

        private void ApplyState(FeatureState state, Feature feature, DocumentFeatureState documentState)
        {
            var changed = false;
            Set(state.Enabled, documentState.Enabled, v => state.Enabled = v);
            Set(state.Value, documentState.Value, v => state.Value = v);
            Set(state.HashKey, documentState.HashKey, v => state.HashKey = v);
            Set(state.Uuid, documentState.Uuid ?? state.Uuid, v => state.Uuid = v);
            Set(state.SegmentPriority, state.SegmentId is null && state.Segment is null ? null : documentState.SegmentPriority, v => state.SegmentPriority = v);

            var wanted = documentState.Weights
                .Select(w => (Option: _options[(feature, w.OptionKey)], Weight: w))
                .DistinctBy(w => w.Option)
                .ToList();
            foreach (var weight in state.Weights.Where(w => !wanted.Any(x => IsOf(w, x.Option))).ToList())
            {
                state.Weights.Remove(weight);
                db.MultivariateWeights.Remove(weight);
                changed = true;
            }

            foreach (var (option, documentWeight) in wanted)
            {
                var weight = state.Weights.FirstOrDefault(w => IsOf(w, option));
                if (weight is null)
                {
                    state.Weights.Add(new MultivariateWeight { Option = option, OptionId = option.Id, Percentage = documentWeight.Percentage, ExternalId = documentWeight.Id });
                    changed = true;
                    continue;
                }

                Set(weight.Percentage, documentWeight.Percentage, v => weight.Percentage = v);
                Set(weight.ExternalId, documentWeight.Id, v => weight.ExternalId = v);
            }

            if (changed && state.Id != 0)
            {
                state.UpdatedAt = now;
            }

            void Set<T>(T current, T wantedValue, Action<T> assign)
            {
                if (!EqualityComparer<T>.Default.Equals(current, wantedValue))
                {
                    assign(wantedValue);
                    changed = true;
                }
            }
        }

        private static bool IsOf(MultivariateWeight weight, MultivariateOption option) =>
            option.Id != 0 ? weight.OptionId == option.Id : ReferenceEquals(weight.Option, option);

        private void RemoveAllBut(IEnumerable<FeatureState> states, HashSet<FeatureState> kept)
        {
            foreach (var state in states.Where(s => !kept.Contains(s)))
            {
                db.FeatureStates.Remove(state);
            }
        }

        private ServerSideKey NewServerSideKey() =>
            new() { Key = KeyGenerator.NewServerSideKey(), Name = ServerSideKeyName, CreatedAt = now };
    }
}
