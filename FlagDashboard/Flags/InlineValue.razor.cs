using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>A feature state's value, edited in place with its type.</summary>
public sealed partial class InlineValue
{
    [Inject]
    private FeatureService Features { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    private FlagValueDraft? _draft;
    private bool _saving;

    /// <summary>What the snackbar calls the state, e.g. the feature's name.</summary>
    [Parameter, EditorRequired]
    public string Name { get; set; } = "";

    [Parameter, EditorRequired]
    public int StateId { get; set; }

    [Parameter]
    public bool Enabled { get; set; }

    [Parameter]
    public FlagValue Value { get; set; }

    [Parameter]
    public int Version { get; set; }

    [Parameter]
    public string TestId { get; set; } = "value";

    /// <summary>Shown without its edit button, for a person who may not change states here.</summary>
    [Parameter]
    public bool ReadOnly { get; set; }

    /// <summary>Raised after a save or a conflict: the owner reads the states again.</summary>
    [Parameter]
    public EventCallback Changed { get; set; }

    private void Edit() => _draft = new FlagValueDraft(Value) { Type = Value.IsNone ? FlagValueType.String : Value.Type };

    private void Cancel() => _draft = null;

    private void CancelOnEscape(KeyboardEventArgs args)
    {
        if (args.Key == "Escape")
        {
            _draft = null;
        }
    }

    private async Task SaveAsync()
    {
        if (_draft is not { } draft || _saving || !draft.TryParse(out var value))
        {
            return;
        }

        _saving = true;
        try
        {
            await Features.UpdateStateAsync(StateId, Enabled, value, Version);
            Snackbar.Add(value.IsNone ? $"{Name} now has no value." : $"{Name} now has the value {value.ToDisplayText()}.", Severity.Success);
            _draft = null;
        }
        catch (ValidationException exception)
        {
            draft.Error = DashboardDialogs.Describe(exception);
            return;
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            Snackbar.AddRefusal(exception, Name);
            if (exception is not ForbiddenException)
            {
                _draft = null;
            }
        }
        finally
        {
            _saving = false;
        }

        await Changed.InvokeAsync();
    }
}
