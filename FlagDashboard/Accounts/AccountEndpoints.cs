using FlagDashboard.Core.Users;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Identity;

namespace FlagDashboard.Accounts;

internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // The form posts an antiforgery token; without a bound form parameter it is only checked when asked for.
        endpoints.MapPost("/account/logout", SignOut).WithName("SignOut").WithMetadata(new RequireAntiforgeryTokenAttribute());
        return endpoints;
    }

    private static async Task<IResult> SignOut(SignInManager<DashboardUser> signIn, HttpContext context)
    {
        await Sessions.SignOutEverywhereAsync(signIn, context.User);
        return TypedResults.LocalRedirect("/account/login");
    }
}
