using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Environments;
using FlagDashboard.Core.Webhooks;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.Webhooks;

/// <summary>An environment's webhooks, managed here, with their latest deliveries and how each went.</summary>
public sealed partial class WebhooksPage
{
    private const int DeliveriesShown = 25;
    private IReadOnlyList<(string Text, string Href)> _trail = [("Environments", "/environments")];
    private ProjectEnvironment? _environment;
    private bool _notFound;
    private IReadOnlyList<Webhook> _webhooks = [];
    private IReadOnlyList<WebhookDeliveryView> _deliveries = [];
    private string _url = "";
    private string _secret = "";
    private string? _urlError;
    private string? _secretError;
    private string? _shownSecret;

    [Parameter]
    public int EnvironmentId { get; set; }

    [Inject]
    private EnvironmentService Environments { get; set; } = null!;

    [Inject]
    private WebhookService Webhooks { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    private bool _canManage;

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        try
        {
            _environment = await Environments.GetAsync(EnvironmentId);
            _trail = [("Environments", "/environments"), (_environment.Name, "/environments")];
            _canManage = (await Access.ForProjectAsync(_environment.ProjectId)).CanManage;
            _webhooks = await Webhooks.ListAsync(EnvironmentId);
            _deliveries = (await Webhooks.ListDeliveriesAsync(EnvironmentId, null, 0, DeliveriesShown)).Items;
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            _notFound = true;
        }
    }

    private async Task CreateAsync()
    {
        _urlError = _secretError = null;
        try
        {
            var webhook = await Webhooks.CreateAsync(EnvironmentId, new WebhookInput(_url.Trim(), Enabled: true, Secret: string.IsNullOrWhiteSpace(_secret) ? null : _secret.Trim()));
            _shownSecret = webhook.Secret;
            _url = _secret = "";
            Snackbar.Add($"Added webhook {webhook.Url}.", Severity.Success);
            await LoadAsync();
        }
        catch (ValidationException exception)
        {
            _urlError = Messages(exception, "url");
            _secretError = Messages(exception, "secret");
        }
        catch (NotFoundException exception)
        {
            // The environment was deleted in another tab.
            Snackbar.Add(exception.Message, Severity.Warning);
            await LoadAsync();
        }
    }

    private async Task SetEnabledAsync(Webhook webhook, bool enabled)
    {
        try
        {
            await Webhooks.UpdateAsync(webhook.Id, new WebhookInput(webhook.Url, enabled), webhook.Version);
            Snackbar.Add(enabled ? $"{webhook.Url} is sent changes again." : $"{webhook.Url} is paused.", Severity.Success);
        }
        catch (Exception exception) when (exception is ConcurrencyConflictException or NotFoundException or ValidationException or ForbiddenException)
        {
            Snackbar.Add(exception.Message, Severity.Warning);
        }

        await LoadAsync();
    }

    private async Task DeleteAsync(Webhook webhook)
    {
        try
        {
            await Webhooks.DeleteAsync(webhook.Id);
            Snackbar.Add($"Deleted webhook {webhook.Url}.", Severity.Success);
        }
        catch (Exception exception) when (exception is NotFoundException or ForbiddenException)
        {
            // Someone else deleted it first: the reload shows the list as it is.
        }

        await LoadAsync();
    }

    private static string? Messages(ValidationException exception, string field) =>
        exception.Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;
}
