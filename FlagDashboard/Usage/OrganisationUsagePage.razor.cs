using System.Globalization;
using FlagDashboard.Components.Shared;
using FlagDashboard.Core;
using FlagDashboard.Core.Usage;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;

namespace FlagDashboard.Usage;

/// <summary>An organisation's API calls this period, by project and environment, over the last periods, and its most evaluated flags.</summary>
public sealed partial class OrganisationUsagePage
{
    private static readonly IReadOnlyList<(string Text, string Href)> Trail = [("Projects", "/")];

    private OrganisationUsage? _usage;
    private IReadOnlyList<ApexSeries> _trend = [];
    private string? _error;

    [Parameter]
    public int OrganisationId { get; set; }

    [CascadingParameter(Name = "DarkMode")]
    private bool DarkMode { get; set; }

    [Inject]
    private OrganisationUsageService Usage { get; set; } = null!;

    [Inject]
    private IJSRuntime JS { get; set; } = null!;

    private string Title => _usage is null ? "Organisation usage" : $"Usage of {_usage.OrganisationName}";

    private string PeriodText => _usage is null ? "" : $"{Day(_usage.From)} to {Day(_usage.To.AddDays(-1))}";

    protected override async Task OnParametersSetAsync()
    {
        _error = null;
        try
        {
            _usage = await Usage.ForPeriodAsync(OrganisationId);
            _trend = [new ApexSeries("API calls", [.. _usage.Trend.Select(p => (p.From, p.ApiCalls))])];
        }
        catch (Exception exception) when (exception is ForbiddenException or NotFoundException)
        {
            _usage = null;
            _error = "Only the organisation's Owners see its usage.";
        }
        catch (ValidationException exception)
        {
            _usage = null;
            _error = exception.Message;
        }
    }

    private async Task DownloadCsvAsync()
    {
        if (_usage is null)
        {
            return;
        }

        await using var module = await JS.InvokeAsync<IJSObjectReference>("import", CopyButton.ModulePath);
        await module.InvokeVoidAsync("download", $"usage-organisation-{_usage.OrganisationId}-{_usage.From.UtcDateTime:yyyyMMdd}.csv", UsageCsv.Write(_usage), "text/csv");
    }

    private string Share(long count) => _usage is { ApiCalls: > 0 } usage ? (count / (double)usage.ApiCalls).ToString("P0", CultureInfo.InvariantCulture) : "";

    private static string Count(long count) => count.ToString("N0", CultureInfo.InvariantCulture);

    private static string Day(DateTimeOffset time) => time.UtcDateTime.ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("d MMM yyyy HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
