using System.Security.Claims;
using FlagDashboard.AdminApi;
using FlagDashboard.Core.Usage;
using FlagDashboard.Core.Usage.Limits;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlagDashboard.UsageLimits;

/// <summary>The key's organisation's API-call allowance, billing day and behaviour over the limit.</summary>
public static class UsageLimitsApi
{
    /// <param name="MonthlyApiCallAllowance">API calls per billing period; null for none (no alerts).</param>
    /// <param name="BillingDay">The day of the month (1-28, UTC) a billing period starts on.</param>
    /// <param name="OverLimitBehaviour">What SDKs get once the 100 % alert of the period fired more than the grace period ago and the calls still reach the allowance: KeepServing (flags as configured) or ServeDefaultsOnly (every flag as its feature's default, no segment, identity or multivariate targeting).</param>
    /// <param name="OverLimitGraceDays">Whole days (0-90) after the 100 % alert before the behaviour applies.</param>
    /// <param name="ServingDefaultsSince">When SDKs started getting defaults only; null while flags are served as configured.</param>
    public sealed record UsageAllowanceResponse(long? MonthlyApiCallAllowance, int BillingDay, OverLimitBehaviour OverLimitBehaviour, int OverLimitGraceDays, DateTimeOffset? ServingDefaultsSince, int Version);

    /// <param name="OverLimitBehaviour">KeepServing or ServeDefaultsOnly; omitted: unchanged.</param>
    /// <param name="OverLimitGraceDays">Whole days from 0 to 90; omitted: unchanged.</param>
    public sealed record UsageAllowanceRequest(long? MonthlyApiCallAllowance, int? BillingDay, OverLimitBehaviour? OverLimitBehaviour, int? OverLimitGraceDays, int? Version);

    public static RouteGroupBuilder MapUsageLimitsApi(this RouteGroupBuilder admin)
    {
        var limits = admin.MapGroup("/").WithTags("Usage limits");
        limits.MapGet("/organisation/usage-allowance", GetUsageAllowance).WithName("GetUsageAllowance")
            .WithSummary("The organisation's monthly API-call allowance (null: none) and billing day.");
        limits.MapPut("/organisation/usage-allowance", SetUsageAllowance).WithName("SetUsageAllowance")
            .WithSummary("Sets the allowance, billing day and behaviour over the limit; at 75, 90, 100 and 120 % of the allowance in a period the organisation's webhooks get USAGE_THRESHOLD_REACHED. Give the organisation's version you read.");
        return admin;
    }

    private static async Task<Ok<UsageAllowanceResponse>> GetUsageAllowance(ClaimsPrincipal user, UsageAllowanceService allowances, CancellationToken cancellationToken)
    {
        return TypedResults.Ok(Response(await allowances.GetAsync(user.KeyOrganisationId(), cancellationToken)));
    }

    private static async Task<Ok<UsageAllowanceResponse>> SetUsageAllowance(UsageAllowanceRequest request, ClaimsPrincipal user, UsageAllowanceService allowances, CancellationToken cancellationToken)
    {
        var version = AdminAccess.RequireVersion(request.Version);
        var billingDay = request.BillingDay ?? throw new Core.ValidationException("billingDay", $"The billing day ({UsagePeriod.FirstBillingDay}-{UsagePeriod.LastBillingDay}) is required.");
        var input = new UsageAllowanceInput(request.MonthlyApiCallAllowance, billingDay, request.OverLimitBehaviour, request.OverLimitGraceDays);
        var set = await allowances.SetAsync(user.KeyOrganisationId(), input, version, cancellationToken);
        return TypedResults.Ok(Response(set));
    }

    private static UsageAllowanceResponse Response(UsageAllowance allowance) =>
        new(allowance.MonthlyApiCalls, allowance.BillingDay, allowance.OverLimitBehaviour, allowance.OverLimitGraceDays, allowance.ServingDefaultsSince, allowance.Version);
}
