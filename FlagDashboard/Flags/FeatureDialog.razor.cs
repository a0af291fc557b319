using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>Creates a feature in a project, or edits one: settings, initial value and multivariate options.</summary>
public sealed partial class FeatureDialog
{
    private const string FormId = "feature-form";
    private static readonly TimeSpan FocusDelay = TimeSpan.FromMilliseconds(150);

    private readonly Dictionary<string, string> _errors = new(StringComparer.Ordinal);
    private string _name = "";
    private string _loadedName = "";
    private FeatureType _type = FeatureType.Standard;
    private string? _description;
    private string _tags = "";
    private bool _defaultEnabled;
    private FlagValueDraft _initialValue = new();
    private List<OptionDraft> _options = [];
    private int _version;
    private IReadOnlyList<int> _loadedOptionIds = [];
    private bool _loading;
    private bool _focused;
    private MudTextField<string>? _nameField;
    private bool _saving;
    private string? _conflict;
    private string? _generalError;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = null!;

    [Inject]
    private FeatureService Features { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    /// <summary>The project a new feature goes into.</summary>
    [Parameter]
    public int ProjectId { get; set; }

    /// <summary>The feature to edit; null to create one.</summary>
    [Parameter]
    public int? FeatureId { get; set; }

    /// <summary>Options for opening the dialog: Escape cancels, the first field takes the focus.</summary>
    public static DialogOptions Options { get; } = new()
    {
        CloseOnEscapeKey = true,
        MaxWidth = MaxWidth.Medium,
        FullWidth = true,
        // The dialog puts the focus in the name field itself, once the form is there.
        DefaultFocus = DefaultFocus.FirstChild,
    };

    protected override async Task OnInitializedAsync()
    {
        if (FeatureId is not null)
        {
            await ReloadAsync();
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_focused && _nameField is not null)
        {
            _focused = true;
            // The dialog's focus trap moves the focus to itself as the dialog opens; the name field takes it back after that.
            await Task.Delay(FocusDelay);
            await _nameField.FocusAsync();
        }
    }

    private string? FieldError(string field) => _errors.GetValueOrDefault(field);

    private void ClearOptionsError() => _errors.Remove("options");

    private async Task ReloadAsync()
    {
        _loading = true;
        try
        {
            var feature = await Features.GetAsync(FeatureId!.Value);
            _name = _loadedName = feature.Name;
            _type = feature.Type;
            _description = feature.Description;
            _tags = string.Join(", ", feature.Tags);
            _defaultEnabled = feature.DefaultEnabled;
            _initialValue = new FlagValueDraft(feature.InitialValue);
            _options = [.. feature.Options.Select(o => new OptionDraft { Id = o.Id, Value = new FlagValueDraft(o.Value), Weight = o.DefaultWeight })];
            _version = feature.Version;
            _loadedOptionIds = [.. feature.Options.Select(o => o.Id)];
            _conflict = null;
            _errors.Clear();
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            _generalError = DashboardDialogs.Describe(exception, "This feature");
        }
        finally
        {
            _loading = false;
        }
    }

    private async Task SaveAsync()
    {
        if (_saving)
        {
            return;
        }

        _errors.Clear();
        _generalError = null;
        if (Parse() is not { } input)
        {
            return;
        }

        if (!await ConfirmRemovedOptionsAsync(input))
        {
            return;
        }

        _saving = true;
        try
        {
            var feature = FeatureId is { } id
                ? await Features.UpdateAsync(id, input, _version)
                : await Features.CreateAsync(ProjectId, input);
            Snackbar.Add(FeatureId is null ? $"Created feature {feature.Name}." : $"Saved feature {feature.Name}.", Severity.Success);
            Dialog.Close(DialogResult.Ok(feature.Id));
        }
        catch (ValidationException exception)
        {
            foreach (var (field, messages) in exception.Errors)
            {
                var key = field.Split('.', '[')[0];
                if (key is "name" or "description" or "tags" or "options" or "initialValue")
                {
                    _errors[key] = string.Join(" ", messages);
                }
                else
                {
                    _generalError = string.Join(" ", messages);
                }
            }

            if (_errors.Remove("initialValue", out var valueError))
            {
                _initialValue.Error = valueError;
            }
        }
        catch (ConcurrencyConflictException)
        {
            _conflict = "Someone else changed this feature since you opened it. Reload to see their change, then make yours again.";
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            _generalError = DashboardDialogs.Describe(exception, "This feature");
        }
        finally
        {
            _saving = false;
        }
    }

    /// <summary>Removing an option drops its share in every environment: that is asked first.</summary>
    private async Task<bool> ConfirmRemovedOptionsAsync(FeatureInput input)
    {
        var removed = _loadedOptionIds.Count(id => (input.Options ?? []).All(o => o.Id != id));
        if (removed == 0)
        {
            return true;
        }

        var confirmed = await Dialogs.ShowMessageBoxAsync(
            removed == 1 ? "Remove an option?" : $"Remove {removed} options?",
            $"Identities that get {(removed == 1 ? "this option" : "these options")} in any environment get the control value instead, and {(removed == 1 ? "its" : "their")} share is lost in every environment.",
            yesText: "Remove", cancelText: "Keep editing", options: new DialogOptions { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small });
        return confirmed == true;
    }

    /// <summary>Reads the form into an input, or marks what cannot be read and returns null.</summary>
    private FeatureInput? Parse()
    {
        var valid = _initialValue.TryParse(out var initialValue);
        var options = new List<MultivariateOptionInput>();
        if (_type == FeatureType.Multivariate)
        {
            foreach (var option in _options)
            {
                if (option.Value.TryParse(out var value) && !value.IsNone)
                {
                    options.Add(new MultivariateOptionInput(option.Id, value, option.Weight));
                }
                else
                {
                    option.Value.Error ??= "Each option needs a value.";
                    valid = false;
                }
            }

            if (_options.Count == 0)
            {
                _errors["options"] = "A multivariate feature needs at least one option.";
                valid = false;
            }

            if (OptionDraft.WeightError(_options) is not null)
            {
                valid = false;
            }
        }

        if (!valid)
        {
            return null;
        }

        var tags = _tags.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return new FeatureInput(_name.Trim(), string.IsNullOrWhiteSpace(_description) ? null : _description.Trim(), tags, _defaultEnabled, initialValue, options);
    }

    private void Cancel() => Dialog.Cancel();
}
