using System.Text.Json.Serialization;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Webhooks;
using Scalar.AspNetCore;

namespace FlagDashboard.Hosting;

internal static class AdminApiServiceCollectionExtensions
{
    public const string DocumentName = "v1";

    /// <summary>The admin API's JSON shape, its OpenAPI document, and webhook delivery.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new FlagValueJsonConverter());
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        services.AddOpenApi(DocumentName, options =>
        {
            // The admin API and the usage API; the SDK's Flagsmith routes are described by Flagsmith's docs.
            options.ShouldInclude = description => description.RelativePath is { } path
                && (path.StartsWith("api/admin", StringComparison.Ordinal) || path.StartsWith("api/usage", StringComparison.Ordinal));
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "FlagDashboard admin API";
                document.Info.Description = "Send `Authorization: Api-Key <key>` (create a key with `flagdashboard create-api-key`). Errors are RFC 9457 problem details; updates carry the `version` you read and get 409 when it is stale.";
                return Task.CompletedTask;
            });
        });
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<WebhookSender>();
        return services;
    }

    /// <summary><c>/openapi/v1.json</c> and its browsable reference at <c>/scalar/v1</c>, both open (they describe, they do not grant).</summary>
    public static IEndpointRouteBuilder MapAdminApiDocuments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        endpoints.MapScalarApiReference(options => options.WithTitle("FlagDashboard admin API")).AllowAnonymous();
        return endpoints;
    }
}
