using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using FlagDashboard.Core.Flags;
using FlagDashboard.Core.Webhooks;
using FlagDashboard.Flags;
using FlagDashboard.Webhooks;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace FlagDashboard.AdminApi;

internal static class AdminApiServiceCollectionExtensions
{
    public const string DocumentName = "v1";
    private const string ApiKeyScheme = "ApiKey";

    /// <summary>The admin API's JSON shape, its OpenAPI document, and webhook delivery.</summary>
    public static IServiceCollection AddAdminApi(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.Converters.Add(new FlagValueJsonConverter());
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        // Request records declare their rules (DataAnnotations); a broken one is a 400 naming the field before the handler runs.
        // Deeper than any body the JSON reader accepts (64), so that a deep rule tree is the reader's 400, never the validator's failure.
        services.AddValidation(options => options.MaxDepth = 128);
        services.AddExceptionHandler<AdminApiProblems>();
        services.Configure<ProblemDetailsOptions>(options => options.CustomizeProblemDetails += AdminApiProblems.Customize);
        services.AddOpenApi(DocumentName, options =>
        {
            // The admin API and the usage API; the SDK's Flagsmith routes are described by Flagsmith's docs.
            options.ShouldInclude = description => description.RelativePath is { } path
                && (path.StartsWith("api/admin", StringComparison.Ordinal) || path.StartsWith("api/usage", StringComparison.Ordinal));
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "FlagDashboard admin API";
                document.Info.Description = "Send `Authorization: Api-Key <key>` (create a key with `flagdashboard create-api-key`). Errors are RFC 9457 problem details; updates carry the `version` you read and get 409 when it is stale.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
                document.Components.SecuritySchemes[ApiKeyScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.ApiKey,
                    In = ParameterLocation.Header,
                    Name = "Authorization",
                    Description = "`Api-Key <key>`",
                };
                document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyScheme, document)] = [] }];
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, _, _) =>
            {
                // Routing answers 415 for a body that is not JSON (AdminApiProblems words it as problem details).
                if (operation.RequestBody is not null)
                {
                    operation.Responses ??= new OpenApiResponses();
                    operation.Responses.TryAdd("415", new OpenApiResponse
                    {
                        Description = "Unsupported Media Type: send the body as JSON.",
                        Content = new Dictionary<string, OpenApiMediaType> { ["application/problem+json"] = new OpenApiMediaType() },
                    });
                }

                return Task.CompletedTask;
            });
            options.AddSchemaTransformer((schema, context, _) =>
            {
                if (context.JsonTypeInfo.Type == typeof(FlagValue))
                {
                    schema.Type = JsonSchemaType.String | JsonSchemaType.Number | JsonSchemaType.Integer | JsonSchemaType.Boolean | JsonSchemaType.Null;
                    schema.Description = "A flag or trait value: a JSON string, number, boolean or null.";
                }

                if (context.JsonTypeInfo.Type.Name.EndsWith("Request", StringComparison.Ordinal) && schema.Properties is { } properties)
                {
                    foreach (var property in context.JsonTypeInfo.Properties.Where(p => properties.ContainsKey(p.Name)))
                    {
                        var described = properties[property.Name];
                        if ((property.AssociatedParameter?.AttributeProvider ?? property.AttributeProvider)?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
                        {
                            // [Required]: validated before the handler runs, so neither left out nor null (the record's type may say null).
                            schema.Required ??= new HashSet<string>();
                            schema.Required.Add(property.Name);
                            if (described is OpenApiSchema { Type: { } type } concrete)
                            {
                                concrete.Type = type & ~JsonSchemaType.Null;
                            }
                        }
                        else if (described is OpenApiSchemaReference || described.Type is null || described.Type.Value.HasFlag(JsonSchemaType.Null))
                        {
                            // A request property that may be null may also be left out (records bind missing members as null).
                            schema.Required?.Remove(property.Name);
                        }
                    }
                }

                return Task.CompletedTask;
            });
        });
        // Thrown, so that AdminApiProblems can name the field; it keeps other routes' answers as they were.
        services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddHostedService<WebhookSender>();
        return services;
    }

    /// <summary>
    /// Around authentication and the endpoints, for admin API paths: an answer left empty (a sign-in challenge, a 403,
    /// routing's 404 or 415) becomes problem details, so a client reads every error the same way.
    /// </summary>
    public static IApplicationBuilder UseAdminApiErrors(this IApplicationBuilder app) =>
        app.UseWhen(context => AdminApiProblems.IsAdminApiPath(context.Request.Path), api => api
            .UseStatusCodePages()
            .UseMiddleware<AdminApiUnmatchedRoutes>());

    /// <summary><c>/openapi/v1.json</c> and its browsable reference at <c>/scalar/v1</c>, both open (they describe, they do not grant).</summary>
    public static IEndpointRouteBuilder MapAdminApiDocuments(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapOpenApi().AllowAnonymous();
        endpoints.MapScalarApiReference(options => options.WithTitle("FlagDashboard admin API")).AllowAnonymous();
        return endpoints;
    }
}
