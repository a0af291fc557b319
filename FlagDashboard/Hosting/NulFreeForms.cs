using System.Net;

namespace FlagDashboard.Hosting;

/// <summary>
/// A dashboard form (sign-in, set-up, an invitation) posted with a NUL character in a field: ASP.NET Core's form reader
/// refuses it, so antiforgery failed and the answer was an empty 400. Now it is a 400 that names the field, as for a
/// query string (<see cref="ApiFailures.UseNulFreeQueries"/>); no form of the dashboard has a use for U+0000.
/// </summary>
internal static class NulFreeForms
{
    public static IApplicationBuilder UseNulFreeForms(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var request = context.Request;
        if (!HttpMethods.IsPost(request.Method) || !request.HasFormContentType || HostingExtensions.IsApiPath(request.Path))
        {
            await next(context);
            return;
        }

        // Buffered, so that the body can be read again to find the field once the reader has refused it.
        request.EnableBuffering();
        try
        {
            await request.ReadFormAsync(context.RequestAborted);
        }
        catch (InvalidDataException)
        {
            request.Body.Position = 0;
            using var reader = new StreamReader(request.Body, leaveOpen: true);
            var field = FieldWithNul(await reader.ReadToEndAsync(context.RequestAborted));
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(field is null
                ? "The form could not be read: a field contains a character no form takes, such as NUL (%00)."
                : $"The form field '{field}' contains a NUL character (%00). Go back and type it again without it.");
            return;
        }

        request.Body.Position = 0;
        await next(context);
    });

    private static string? FieldWithNul(string body) =>
        body.Split('&')
            .Select(pair => pair.Split('=', 2))
            .Where(pair => pair.Length == 2 && pair[1].Contains("%00", StringComparison.Ordinal))
            .Select(pair => WebUtility.UrlDecode(pair[0]).Replace("\0", "%00", StringComparison.Ordinal))
            .FirstOrDefault();
}
