using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Limits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.UsageLimits;

/// <summary>The key's organisation's API-call allowance and billing day.</summary>
public static class UsageLimitsApi
{
    /// <param name="MonthlyApiCallAllowance">API calls per billing period; null for none (no alerts).</param>
    /// <param name="BillingDay">The day of the month (1-28, UTC) a billing period starts on.</param>
    public sealed record UsageAllowanceResponse(long? MonthlyApiCallAllowance, int BillingDay, int Version);

    public sealed record UsageAllowanceRequest(long? MonthlyApiCallAllowance, int? BillingDay, int? Version);

    public static RouteGroupBuilder MapUsageLimitsApi(this RouteGroupBuilder admin)
    {
        var limits = admin.MapGroup("/").WithTags("Usage limits");
        limits.MapGet("/organisation/usage-allowance", GetUsageAllowance).WithName("GetUsageAllowance")
            .WithSummary("The organisation's monthly API-call allowance (null: none) and billing day.");
        limits.MapPut("/organisation/usage-allowance", SetUsageAllowance).WithName("SetUsageAllowance")
            .WithSummary("Sets the allowance and billing day; at 75, 90, 100 and 120 % of it in a period the organisation's webhooks get USAGE_THRESHOLD_REACHED. Give the organisation's version you read.");
        return admin;
    }

    private static async Task<Ok<UsageAllowanceResponse>> GetUsageAllowance(ClaimsPrincipal user, UsageAllowanceService allowances, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await allowances.GetAsync(user.KeyOrganisationId(), cancellationToken)));
    }

    private static async Task<Ok<UsageAllowanceResponse>> SetUsageAllowance(UsageAllowanceRequest request, ClaimsPrincipal user, UsageAllowanceService allowances, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        var set = await allowances.SetAsync(user.KeyOrganisationId(), request.MonthlyApiCallAllowance, request.BillingDay ?? throw new Core.ValidationException("billingDay", $"The billing day ({UsagePeriod.FirstBillingDay}-{UsagePeriod.LastBillingDay}) is required."), version, cancellationToken);
        return TypedResults.Ok(Response(set));
    }

    private static UsageAllowanceResponse Response(UsageAllowance allowance) => new(allowance.MonthlyApiCalls, allowance.BillingDay, allowance.Version);
}
