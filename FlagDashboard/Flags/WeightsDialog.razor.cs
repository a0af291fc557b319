using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Flags;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Flags;

/// <summary>Sets the multivariate split of one state (an environment's default); the shares may add up to at most 100 %.</summary>
public sealed partial class WeightsDialog
{
    private List<WeightDraft> _weights = [];
    private string? _serverError;
    private bool _saving;

    [CascadingParameter]
    private IMudDialogInstance Dialog { get; set; } = null!;

    [Inject]
    private FeatureService Features { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    /// <summary>What the state is called, e.g. "banner in Production".</summary>
    [Parameter, EditorRequired]
    public string Name { get; set; } = "";

    [Parameter, EditorRequired]
    public int StateId { get; set; }

    [Parameter, EditorRequired]
    public int Version { get; set; }

    [Parameter, EditorRequired]
    public IReadOnlyList<WeightView> Weights { get; set; } = [];

    public static DialogOptions Options { get; } = new() { CloseOnEscapeKey = true, MaxWidth = MaxWidth.Small, FullWidth = true };

    private double Total => _weights.Where(w => double.IsFinite(w.Weight)).Sum(w => w.Weight);

    private string? Error =>
        OptionDraft.WeightError([.. _weights.Select(w => new OptionDraft { Weight = w.Weight })]) ?? _serverError;

    protected override void OnInitialized() =>
        _weights = [.. Weights.Select(w => new WeightDraft(w.OptionId, w.OptionValue) { Weight = w.Percentage })];

    private async Task SaveAsync()
    {
        _serverError = null;
        if (_saving || Error is not null)
        {
            return;
        }

        _saving = true;
        try
        {
            await Features.SetWeightsAsync(StateId, [.. _weights.Select(w => new WeightInput(w.OptionId, w.Weight))], Version);
            Snackbar.Add($"Saved the split of {Name}.", Severity.Success);
            Dialog.Close(DialogResult.Ok(true));
        }
        catch (ValidationException exception)
        {
            _serverError = DashboardDialogs.Describe(exception);
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            Snackbar.AddRefusal(exception, Name);
            if (exception is not ForbiddenException)
            {
                Dialog.Close(DialogResult.Ok(false));
            }
        }
        finally
        {
            _saving = false;
        }
    }

    private sealed class WeightDraft(int optionId, FlagValue value)
    {
        public int OptionId { get; } = optionId;

        public FlagValue Value { get; } = value;

        public double Weight { get; set; }
    }
}
