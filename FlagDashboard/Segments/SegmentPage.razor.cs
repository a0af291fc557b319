using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Segments;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Segments;

public partial class SegmentPage
{
    [Inject]
    private SegmentService Segments { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    [Inject]
    private NavigationManager Navigation { get; set; } = null!;

    [Parameter]
    public int Id { get; set; }

    private Segment? _segment;
    private bool _missing;
    private bool _saving;
    private string _name = "";
    private string? _description;
    private List<RuleDraft> _rules = [];
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();
    private string? _conflict;

    private static readonly IReadOnlyList<(string, string)> Trail = [("Segments", "/segments")];

    protected override async Task LoadAsync()
    {
        if (_segment?.Id != Id)
        {
            await ReloadSegmentAsync();
        }
    }

    private async Task ReloadSegmentAsync()
    {
        try
        {
            _segment = await Segments.GetAsync(Id);
            _name = _segment.Name;
            _description = _segment.Description;
            _rules = _segment.Rules.Select(RuleDraft.From).ToList();
            _errors = new Dictionary<string, string[]>();
            _conflict = null;
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            _missing = true;
        }
    }

    private string? NameError => ErrorOf("name");

    private string? DescriptionError => ErrorOf("description");

    private string? ErrorOf(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task SaveAsync()
    {
        _saving = true;
        try
        {
            var input = new SegmentInput(_name.Trim(), string.IsNullOrWhiteSpace(_description) ? null : _description.Trim(), _rules.Select(r => r.ToRule()).ToList());
            _segment = await Segments.UpdateAsync(Id, input, _segment!.Version);
            _errors = new Dictionary<string, string[]>();
            _conflict = null;
            Snackbar.Add($"Saved segment {_segment.Name}; SDKs see the new rules within a second.", Severity.Success);
        }
        catch (ValidationException exception)
        {
            _errors = exception.Errors;
            Snackbar.Add("The segment was not saved: see the messages next to the fields.", Severity.Error);
        }
        catch (ConcurrencyConflictException exception)
        {
            _conflict = exception.Message;
            Snackbar.Add("Someone else changed this segment; your edit was not saved.", Severity.Warning);
        }
        finally
        {
            _saving = false;
        }
    }

    private async Task DeleteAsync()
    {
        if (await Dialogs.ConfirmAsync($"Delete {_segment!.Name}?", "This deletes the segment and its overrides in every environment.")
            && await Snackbar.RunAsync(() => Segments.DeleteAsync(Id), $"Deleted segment {_segment.Name}."))
        {
            Navigation.NavigateTo("/segments");
        }
    }
}
