using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Limits;
using FlagDashboard.Core.Webhooks;
using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace FlagDashboard.UsageLimits;

/// <summary>An organisation's allowance, billing day, behaviour over the limit and own webhooks with their latest deliveries: Owners change them, members read them.</summary>
public sealed partial class OrganisationUsageSettingsPage
{
    private const string AllowanceField = "monthlyApiCallAllowance";
    private const string BillingDayField = "billingDay";
    private const string BehaviourField = "overLimitBehaviour";
    private const string GraceDaysField = "overLimitGraceDays";
    private const string UrlField = "url";
    private const string SecretField = "secret";

    private UsageAllowance? _allowance;
    private string? _organisationName;
    private bool _mayManage;
    private string? _error;
    private long? _allowanceInput;
    private int _billingDayInput = UsagePeriod.FirstBillingDay;
    private OverLimitBehaviour _behaviourInput;
    private int _graceDaysInput = OverLimit.DefaultGraceDays;
    private const int DeliveriesShown = 25;

    private IReadOnlyList<Webhook> _webhooks = [];
    private IReadOnlyList<WebhookDeliveryView> _deliveries = [];
    private string _webhookUrl = "";
    private string _webhookSecret = "";
    private string? _createdSecret;
    private IReadOnlyDictionary<string, string[]> _errors = new Dictionary<string, string[]>();

    [Parameter]
    public int OrganisationId { get; set; }

    [Inject]
    private UsageAllowanceService Allowances { get; set; } = null!;

    [Inject]
    private OrganisationService Organisations { get; set; } = null!;

    [Inject]
    private WebhookService Webhooks { get; set; } = null!;

    [Inject]
    private AccessControl Access { get; set; } = null!;

    [Inject]
    private ISnackbar Snackbar { get; set; } = null!;

    [Inject]
    private IDialogService Dialogs { get; set; } = null!;

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _organisationName = (await Organisations.GetAsync(OrganisationId)).Name;
            _allowance = await Allowances.GetAsync(OrganisationId);
            _allowanceInput = _allowance.MonthlyApiCalls;
            _billingDayInput = _allowance.BillingDay;
            _behaviourInput = _allowance.OverLimitBehaviour;
            _graceDaysInput = _allowance.OverLimitGraceDays;
            _mayManage = await Access.CanAsync(Permission.ManageOrganisation, OwnedResource.Organisation, OrganisationId);
            _webhooks = await Webhooks.ListForOrganisationAsync(OrganisationId);
            _deliveries = (await Webhooks.ListOrganisationDeliveriesAsync(OrganisationId, 0, DeliveriesShown)).Items;
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            _error = DashboardDialogs.Describe(exception, "organisation");
        }
    }

    private string? ErrorFor(string field) => _errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task SaveAllowanceAsync()
    {
        _errors = new Dictionary<string, string[]>();
        try
        {
            _allowance = await Allowances.SetAsync(OrganisationId, new UsageAllowanceInput(_allowanceInput, _billingDayInput, _behaviourInput, _graceDaysInput), _allowance!.Version);
            Snackbar.Add("Saved the allowance.", Severity.Success);
        }
        catch (ValidationException exception)
        {
            _errors = exception.Errors;
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            Snackbar.AddRefusal(exception, "organisation");
        }
    }

    private async Task AddWebhookAsync()
    {
        _errors = new Dictionary<string, string[]>();
        _createdSecret = null;
        try
        {
            var webhook = await Webhooks.CreateForOrganisationAsync(OrganisationId, new WebhookInput(_webhookUrl.Trim(), Enabled: true, Secret: string.IsNullOrWhiteSpace(_webhookSecret) ? null : _webhookSecret.Trim()));
            _createdSecret = webhook.Secret;
            _webhookUrl = "";
            _webhookSecret = "";
            _webhooks = await Webhooks.ListForOrganisationAsync(OrganisationId);
        }
        catch (ValidationException exception)
        {
            _errors = exception.Errors;
        }
        catch (Exception exception) when (DashboardDialogs.IsRefusal(exception))
        {
            Snackbar.AddRefusal(exception, "webhook");
        }
    }

    private async Task DeleteWebhookAsync(Webhook webhook)
    {
        if (!await Dialogs.ConfirmAsync($"Delete the webhook {webhook.Url}?", "Its pending deliveries are deleted with it."))
        {
            return;
        }

        if (await Snackbar.RunAsync(() => Webhooks.DeleteAsync(webhook.Id), "Deleted the webhook."))
        {
            _webhooks = await Webhooks.ListForOrganisationAsync(OrganisationId);
        }
    }
}
