using FlagDashboard.Core.Users;
using Microsoft.AspNetCore.Identity;

namespace FlagDashboard.Hosting;

internal static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/account/logout", SignOut).WithName("SignOut");
        return endpoints;
    }

    private static async Task<IResult> SignOut(SignInManager<DashboardUser> signIn)
    {
        await signIn.SignOutAsync();
        return TypedResults.LocalRedirect("/account/login");
    }
}
