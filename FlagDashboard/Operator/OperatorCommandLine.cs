using System.CommandLine;
using FlagDashboard.Accounts;
using FlagDashboard.Core;
using FlagDashboard.Core.Access;
using FlagDashboard.Core.ApiKeys;
using FlagDashboard.Core.Audit;
using FlagDashboard.Core.Data;
using FlagDashboard.Core.Import;
using FlagDashboard.Core.Organisations;
using FlagDashboard.Core.Projects;
using FlagDashboard.Core.Users;
using FlagDashboard.Health;
using FlagDashboard.Hosting;
using Microsoft.EntityFrameworkCore;

namespace FlagDashboard.Operator;

/// <summary>
/// Operator verbs on the same executable (<c>dotnet run --project FlagDashboard -- VERB ...</c>); with no
/// verb the app serves. Each verb uses the app's configuration, so it works on the same data directory.
/// </summary>
public static class OperatorCommandLine
{
    private static readonly string[] Verbs = ["migrate", "evaluate", "import", "export", "create-admin", "reset-password", "create-api-key", "healthcheck", "--help", "-h", "-?", "--version"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0], StringComparer.Ordinal);

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = new RootCommand("FlagDashboard: a self-hosted feature-flag service. With no verb, serves the dashboard and SDK API.")
        {
            MigrateCommand(output, error),
            EvaluateCommand(output, error),
            ImportCommand(output, error),
            ExportCommand(output, error),
            CreateAdminCommand(output, error),
            ResetPasswordCommand(output, error),
            CreateApiKeyCommand(output, error),
            HealthCheckCommand(output, error),
        };
        var parse = root.Parse(args);
        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error });
    }

    /// <summary>
    /// For operators who migrate before rolling out a new version. Safe to run while instances start: on
    /// PostgreSQL the migrations run under the same advisory lock as at an instance's start.
    /// </summary>
    private static Command MigrateCommand(TextWriter output, TextWriter error)
    {
        var command = new Command("migrate", "Applies the database migrations this version needs, then exits (the app also does so at start).");
        command.SetAction((parse, cancellationToken) => WithServicesAsync(error, async services =>
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<FlagDashboardDbContext>>().CreateDbContextAsync(cancellationToken);
            var applied = (await db.Database.GetAppliedMigrationsAsync(cancellationToken)).ToList();
            await output.WriteLineAsync($"The {db.Database.ProviderName?.Split('.').Last()} database is up to date: {applied.Count} migrations, the last {applied.LastOrDefault()}.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command EvaluateCommand(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("FILE") { Description = "Evaluation-context files (JSON or JSONC), evaluated in order.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("evaluate", "Evaluates context files with the flag engine and prints one line of result JSON for each.") { files };
        command.SetAction(parse => Core.Engine.EvaluateCommand.Run(parse.GetValue(files)!, output, error));
        return command;
    }

    private static Command ImportCommand(TextWriter output, TextWriter error)
    {
        var organisation = new Option<string>("--organisation") { Description = "The organisation to import into (created if missing).", Required = true };
        var project = new Option<string>("--project") { Description = "The project to import into (created if missing).", Required = true };
        var environment = new Option<string?>("--environment") { Description = "The environment's name when the import creates it (default: the document's name)." };
        var file = new Argument<FileInfo>("FILE") { Description = "A Flagsmith environment document (JSON), as GET /api/v1/environment-document/ serves it." };
        var command = new Command("import", "Creates or updates an environment from a Flagsmith environment document; prints its server-side key last.")
        {
            organisation, project, environment, file,
        };
        command.SetAction((parse, cancellationToken) => WithServicesAsync(error, async services =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists)
            {
                await error.WriteLineAsync($"error: {path.FullName} does not exist.");
                return 1;
            }

            await using var stream = path.OpenRead();
            var result = await services.GetRequiredService<EnvironmentDocumentImporter>().ImportAsync(
                parse.GetValue(organisation)!, parse.GetValue(project)!, parse.GetValue(environment), stream, "command line", cancellationToken);
            var counts = result.Counts;
            await output.WriteLineAsync(
                $"{(result.EnvironmentCreated ? "Created" : "Updated")} environment '{result.EnvironmentName}' (client key {result.ClientKey}): " +
                $"{counts.Features} features, {counts.MultivariateOptions} multivariate options, {counts.Segments} segments, " +
                $"{counts.SegmentOverrides} segment overrides, {counts.Identities} identities, {counts.Traits} traits, " +
                $"{counts.IdentityOverrides} identity overrides; {result.Changes} changes.");
            await output.WriteLineAsync(result.ServerSideKey);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command ExportCommand(TextWriter output, TextWriter error)
    {
        var environment = new Option<string>("--environment") { Description = "The environment's client key or server-side key.", Required = true };
        var file = new Argument<FileInfo>("FILE") { Description = "Where to write the environment document (JSON)." };
        var command = new Command("export", "Writes an environment's Flagsmith environment document, as the SDK API serves it.") { environment, file };
        command.SetAction((parse, cancellationToken) => WithServicesAsync(error, async services =>
        {
            var path = parse.GetValue(file)!;
            var exporter = services.GetRequiredService<EnvironmentDocumentExporter>();
            // Into memory first, so an unknown key leaves no empty file behind.
            using var buffer = new MemoryStream();
            await exporter.ExportAsync(parse.GetValue(environment)!, buffer, cancellationToken);
            await File.WriteAllBytesAsync(path.FullName, buffer.ToArray(), cancellationToken);
            await output.WriteLineAsync($"Wrote {path.FullName} ({buffer.Length} bytes).");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command CreateAdminCommand(TextWriter output, TextWriter error)
    {
        var email = new Option<string>("--email") { Description = "The admin's e-mail address, used to sign in.", Required = true };
        var password = new Option<string>("--password") { Description = "At least 10 characters.", Required = true };
        var command = new Command("create-admin", "Creates a person who can sign in to the dashboard.") { email, password };
        command.SetAction((parse, cancellationToken) => WithServicesAsync(error, async services =>
        {
            var result = await services.GetRequiredService<AdminAccounts>().CreateAsync(parse.GetValue(email)!, parse.GetValue(password)!);
            if (!result.Succeeded)
            {
                await error.WriteLineAsync($"error: {AdminAccounts.Describe(result)}");
                return 1;
            }

            await output.WriteLineAsync($"Created admin {parse.GetValue(email)}.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command ResetPasswordCommand(TextWriter output, TextWriter error)
    {
        var email = new Option<string>("--email") { Description = "The e-mail address the person signs in with.", Required = true };
        var password = new Option<string>("--password") { Description = "The new password, at least 10 characters.", Required = true };
        var command = new Command("reset-password", "Sets a person's password and ends every session of theirs.") { email, password };
        command.SetAction((parse, cancellationToken) => WithServicesAsync(error, async services =>
        {
            var result = await services.GetRequiredService<PasswordChanges>().ResetAsync(parse.GetValue(email)!, parse.GetValue(password)!);
            if (!result.Succeeded)
            {
                await error.WriteLineAsync($"error: {AdminAccounts.Describe(result)}");
                return 1;
            }

            await output.WriteLineAsync("Password set; every session of this person has ended.");
            return 0;
        }, cancellationToken));
        return command;
    }

    private static Command CreateApiKeyCommand(TextWriter output, TextWriter error)
    {
        var organisation = new Option<string>("--organisation") { Description = "The organisation the key acts for (created if missing).", Required = true };
        var name = new Option<string>("--name") { Description = "A name that says what the key is for.", Required = true };
        var role = new Option<ApiKeyRole>("--role") { Description = "owner (may change everything in the organisation) or viewer (may only read).", DefaultValueFactory = _ => ApiKeyRole.Owner };
        var project = new Option<string?>("--project") { Description = "Keeps the key to one project of the organisation (by name)." };
        var command = new Command("create-api-key", "Creates an admin API key and prints it (shown only this once).") { organisation, name, role, project };
        command.SetAction((parse, cancellationToken) => WithServicesAsync(error, async services =>
        {
            var organisationId = await FindOrCreateOrganisationAsync(services, parse.GetValue(organisation)!, cancellationToken);
            int? projectId = null;
            if (parse.GetValue(project) is { } projectName)
            {
                var projects = await services.GetRequiredService<ProjectService>().ListAsync(organisationId, cancellationToken);
                projectId = projects.FirstOrDefault(p => p.Name == projectName)?.Id;
                if (projectId is null)
                {
                    await error.WriteLineAsync($"error: the organisation has no project named '{projectName}'.");
                    return 1;
                }
            }

            var created = await services.GetRequiredService<AdminApiKeyService>().CreateAsync(organisationId, parse.GetValue(name)!, parse.GetValue(role), projectId, cancellationToken);
            await output.WriteLineAsync(created.Secret);
            return 0;
        }, cancellationToken));
        return command;
    }

    /// <summary>For a container's HEALTHCHECK, whose runtime image has no curl: asks the running app's /health.</summary>
    private static Command HealthCheckCommand(TextWriter output, TextWriter error)
    {
        var url = new Option<string>("--url") { Description = "The app's health address (default: its first address in Urls or ASPNETCORE_URLS, on loopback).", DefaultValueFactory = _ => HealthCheckAddress.FromEnvironment(Environment.GetEnvironmentVariable) };
        var command = new Command("healthcheck", "Exits 0 when the running app answers its health check, 1 otherwise.") { url };
        command.SetAction(async (parse, cancellationToken) =>
        {
            using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(4) };
            try
            {
                using var response = await client.GetAsync(parse.GetValue(url), cancellationToken);
                await output.WriteLineAsync($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
                return response.IsSuccessStatusCode ? 0 : 1;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                await error.WriteLineAsync($"unhealthy: {exception.Message}");
                return 1;
            }
        });
        return command;
    }

    internal static async Task<int> FindOrCreateOrganisationAsync(IServiceProvider services, string name, CancellationToken cancellationToken)
    {
        var organisations = services.GetRequiredService<OrganisationService>();
        var existing = (await organisations.ListAsync(cancellationToken)).FirstOrDefault(o => o.Name == name);
        return existing?.Id ?? (await organisations.CreateAsync(name, cancellationToken)).Id;
    }

    /// <summary>Runs a verb with the app's services over a migrated database; turns domain errors into messages and exit code 1.</summary>
    private static async Task<int> WithServicesAsync(TextWriter error, Func<IServiceProvider, Task<int>> verb, CancellationToken cancellationToken)
    {
        // The server's environment name, so appsettings.{Environment}.json applies to the verbs as to the server.
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = System.Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? System.Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT")
                ?? Microsoft.Extensions.Hosting.Environments.Production,
        });
        builder.Configuration["Logging:LogLevel:Default"] = "Warning";
        builder.Services.AddFlagDashboardOptions();
        builder.Services.AddFlagDashboardCore();
        builder.Services.AddSingleton<IActorAccessor>(new FixedActor("command line"));
        builder.Services.AddIdentityCore<DashboardUser>(HostingExtensions.ConfigureIdentity)
            .AddEntityFrameworkStores<FlagDashboardDbContext>();
        builder.Services.AddSingleton<SetupState>();
        builder.Services.AddScoped<AdminAccounts>();
        builder.Services.AddScoped<PasswordChanges>();
        using var host = builder.Build();
        try
        {
            var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("FlagDashboard.Database");
            await DatabaseInitializer.MigrateAsync(host.Services.GetRequiredService<IDbContextFactory<FlagDashboardDbContext>>(), logger, cancellationToken);
            await using var scope = host.Services.CreateAsyncScope();
            return await verb(scope.ServiceProvider);
        }
        catch (Exception exception) when (exception is ValidationException or NotFoundException or ConcurrencyConflictException or ForbiddenException or EnvironmentDocumentException
            or Microsoft.Extensions.Options.OptionsValidationException)
        {
            await error.WriteLineAsync($"error: {exception.Message}");
            return 1;
        }
    }
}
